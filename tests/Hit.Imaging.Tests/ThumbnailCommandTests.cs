using Hit.Thumbnail;

namespace Hit.Imaging.Tests;

public sealed class ThumbnailCommandTests
{
    private static Corpus C => Corpus.Instance;

    private static string NewDir() => Directory.CreateDirectory(Path.Combine(C.Directory, "cmd-" + Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public async Task OutDir_ManyInputsAndSizes_WritesNamedFiles()
    {
        string dir = NewDir();
        using var output = new StringWriter();
        using var error = new StringWriter();
        int rc = await ThumbnailCommand.RunAsync([C.P("large.jpg"), C.P("rgba8.png"), "--size", "64", "--size", "32x20", "--out-dir", dir, "--jobs", "2"], output, error);
        Assert.Equal(ThumbnailCommand.Success, rc);
        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal((64, 48), ExternalTools.MagickSize(Path.Combine(dir, "large-64x64.jpg")));
        Assert.Equal((27, 20), ExternalTools.MagickSize(Path.Combine(dir, "large-32x20.jpg")));
        Assert.Equal((61, 43), ExternalTools.MagickSize(Path.Combine(dir, "rgba8-64x64.png")));
        Assert.Equal(4, Directory.GetFiles(dir).Length);
        Assert.Contains("large.jpg (Jpeg 1600x1200)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SingleOutput_HonoursModeFormatAndQuality()
    {
        string file = Path.Combine(NewDir(), "out.png");
        int rc = await ThumbnailCommand.RunAsync([C.P("j420.jpg"), "--size", "40", "-o", file, "--mode", "cover", "--format", "png", "--quality", "70", "--quiet"], TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, rc);
        Assert.Equal(ImageFormat.Png, ImageFormatDetector.Detect(File.ReadAllBytes(file)));
        Assert.Equal((40, 40), ExternalTools.MagickSize(file));
    }

    [Fact]
    public async Task CorruptInput_ReportsItAndStillProcessesTheOthers()
    {
        string dir = NewDir();
        string bad = Path.Combine(dir, "bad.jpg");
        File.WriteAllBytes(bad, C.Bytes("j420.jpg").AsSpan(0, 300).ToArray());
        string outDir = Path.Combine(dir, "out");
        using var error = new StringWriter();
        int rc = await ThumbnailCommand.RunAsync([bad, C.P("j444.jpg"), "--size", "16", "--out-dir", outDir], TextWriter.Null, error);
        Assert.Equal(ThumbnailCommand.SomeFailed, rc);
        Assert.Contains("bad.jpg", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("truncated", error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(outDir, "j444.jpg")));
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
    [InlineData("a.jpg --size 10 -o x.jpg --format webp")]
    [InlineData("a.jpg --size 10 -o x.jpg --bogus")]
    [InlineData("a.jpg --size")]
    public async Task BadArguments_ExitWithUsageError(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var error = new StringWriter();
        int rc = await ThumbnailCommand.RunAsync(args, TextWriter.Null, error);
        Assert.Equal(ThumbnailCommand.UsageError, rc);
        Assert.Contains("usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_ReturnsCancelledAndLeavesNoPartialFiles()
    {
        string dir = NewDir();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int rc = await ThumbnailCommand.RunAsync([C.P("large.jpg"), "--size", "64", "--out-dir", dir], TextWriter.Null, TextWriter.Null, cts.Token);
        Assert.Equal(ThumbnailCommand.Cancelled, rc);
        Assert.Empty(Directory.GetFiles(dir));
    }
}
