using System.Diagnostics;
using Hit.Thumbnail;

namespace Hit.Cli.Tests;

/// <summary><c>./hit thumbnail</c> (Hit.Thumbnail on libvips) on inputs made with ImageMagick (<c>/usr/bin/convert</c>).</summary>
public sealed class ThumbnailCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hit-thumbnail-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task OutDir_ManyInputsAndSizes_WritesNamedFiles()
    {
        var large = Magick("large.jpg", "-seed", "3", "-size", "1600x1200", "plasma:fractal", "-quality", "90");
        var alpha = Magick("rgba8.png", "-size", "61x43", "gradient:red-blue", "(", "-size", "61x43", "gradient:white-black", ")", "-alpha", "off", "-compose", "copy_opacity", "-composite");
        var outDir = Path.Combine(dir, "out");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var rc = await ThumbnailCommand.RunAsync([large, alpha, "--size", "64", "--size", "32x20", "--out-dir", outDir, "--jobs", "2"], output, error);

        Assert.Equal(ThumbnailCommand.Success, rc);
        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal((64, 48), MagickSize(Path.Combine(outDir, "large-64x64.jpg")));
        Assert.Equal((27, 20), MagickSize(Path.Combine(outDir, "large-32x20.jpg")));
        Assert.Equal((61, 43), MagickSize(Path.Combine(outDir, "rgba8-64x64.png")));
        Assert.Equal(4, Directory.GetFiles(outDir).Length);
        Assert.Contains("large.jpg (jpeg 1600x1200)", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("png", "PNG")]
    [InlineData("webp", "WEBP")]
    [InlineData("jpeg", "JPEG")]
    public async Task SingleOutput_HonoursModeFormatAndQuality(string format, string magickFormat)
    {
        var input = Magick("in.jpg", "-seed", "1", "-size", "101x75", "plasma:fractal");
        var file = Path.Combine(dir, "out." + format);

        var rc = await ThumbnailCommand.RunAsync([input, "--size", "40", "-o", file, "--mode", "cover", "--format", format, "--quality", "70", "--quiet"], TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, rc);
        Assert.Equal(magickFormat, Identify(file, "%m"));
        Assert.Equal((40, 40), MagickSize(file));
    }

    [Fact]
    public async Task CorruptInput_ReportsItAndStillProcessesTheOthers()
    {
        var good = Magick("good.jpg", "-seed", "1", "-size", "101x75", "plasma:fractal");
        var bad = Path.Combine(dir, "bad.jpg");
        File.WriteAllBytes(bad, File.ReadAllBytes(good).AsSpan(0, 1000).ToArray());
        var outDir = Path.Combine(dir, "out");
        using var error = new StringWriter();

        var rc = await ThumbnailCommand.RunAsync([bad, good, "--size", "16", "--out-dir", outDir], TextWriter.Null, error);

        Assert.Equal(ThumbnailCommand.SomeFailed, rc);
        Assert.Contains("bad.jpg", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("truncated", error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(outDir, "good.jpg")));
        Assert.False(File.Exists(Path.Combine(outDir, "bad.jpg")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.jpg -o x.jpg")]
    [InlineData("a.jpg --size 10")]
    [InlineData("a.jpg b.jpg --size 10 -o x.jpg")]
    [InlineData("a.jpg --size 0 -o x.jpg")]
    [InlineData("a.jpg --size 10 -o x.jpg --mode zoom")]
    [InlineData("a.jpg --size 10 -o x.jpg --quality 101")]
    [InlineData("a.jpg --size 10 -o x.jpg --format gif")]
    [InlineData("a.jpg --size 10 -o x.jpg --bogus")]
    [InlineData("a.jpg --size")]
    public async Task BadArguments_ExitWithUsageError(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var error = new StringWriter();

        var rc = await ThumbnailCommand.RunAsync(args, TextWriter.Null, error);

        Assert.Equal(ThumbnailCommand.UsageError, rc);
        Assert.Contains("usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_ReturnsCancelledAndLeavesNoPartialFiles()
    {
        var input = Magick("in.jpg", "-seed", "1", "-size", "400x300", "plasma:fractal");
        var outDir = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var rc = await ThumbnailCommand.RunAsync([input, "--size", "64", "--out-dir", outDir], TextWriter.Null, TextWriter.Null, cts.Token);

        Assert.Equal(ThumbnailCommand.Cancelled, rc);
        Assert.Empty(Directory.GetFiles(outDir));
    }

    private string Magick(string name, params string[] args)
    {
        var path = Path.Combine(dir, name);
        Run("/usr/bin/convert", [.. args, path]);
        return path;
    }

    private static (int Width, int Height) MagickSize(string file)
    {
        var parts = Identify(file, "%w %h").Split(' ');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Identify(string file, string format) => Run("/usr/bin/identify", ["-format", format, file]).Trim();

    private static string Run(string tool, string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }
}
