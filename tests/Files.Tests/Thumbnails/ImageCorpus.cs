using System.Buffers.Binary;
using System.Diagnostics;

namespace Hit.Files.Tests.Thumbnails;

/// <summary>
/// Test images made by the tests with ImageMagick (<c>/usr/bin/convert</c>; <c>/usr/local/bin/convert</c> here is a
/// stand-in that must not be used), one per format and trap the thumbnailer must handle. AVIF and HEIC come from
/// ImageMagick when its format list says it can write them (it can on the machines this was written on: libheif
/// 1.15), else from the <c>vips</c> CLI (<c>heifsave</c>, libvips-tools); with neither the corpus fails with that
/// reason rather than pretending. The bundled libvips reads AVIF but not HEIC (its libheif has no HEVC decoder), so
/// HEIC is in the corpus for the refusal and fuzz tests, not the golden ones.
/// </summary>
internal sealed class ImageCorpus
{
    public const string Convert = "/usr/bin/convert";
    public const string Vips = "/usr/bin/vips";

    private static readonly Lazy<ImageCorpus> Shared = new(() => new ImageCorpus(), LazyThreadSafetyMode.ExecutionAndPublication);

    private ImageCorpus()
    {
        Directory = Path.Combine(Path.GetTempPath(), "hit-files-corpus-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Magick("-seed", "7", "-size", "320x240", "plasma:fractal", "-blur", "0x1", P("base.png"));
        var b = P("base.png");
        Magick(b, "-quality", "92", P("photo.jpg"));
        Magick(b, "-quality", "92", "-colorspace", "CMYK", P("cmyk.jpg"));
        // Stored landscape, EXIF orientation 6 (rotate 90° clockwise to display): shown 240 × 320. The APP1 segment is
        // written here (ImageMagick's -orient writes no EXIF into a file that has none).
        File.WriteAllBytes(P("rotated.jpg"), WithExifOrientation(File.ReadAllBytes(P("photo.jpg")), 6));
        Magick("-size", "300x200", "-depth", "16", "gradient:#102030-#f0e0d0", "-define", "png:bit-depth=16", "-define", "png:color-type=2", P("png16.png"));
        Magick(b, "(", "-size", "320x240", "radial-gradient:white-black", ")", "-alpha", "off", "-compose", "copy_opacity", "-composite", P("alpha.png"));
        // Three frames of different colours: the thumbnail must be the first.
        Magick("-delay", "10", b, "(", b, "-negate", ")", "(", b, "-fill", "red", "-colorize", "80%", ")", "-colors", "128", P("animated.gif"));
        Magick(b, "-quality", "85", P("photo.webp"));
        Magick(b, "-compress", "lzw", P("photo.tif"));
        Heif(b, "avif");
        Heif(b, "heic");
    }

    public static ImageCorpus Instance => Shared.Value;

    public string Directory { get; }

    /// <summary>Every file of the corpus, by name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["photo.jpg", "cmyk.jpg", "rotated.jpg", "png16.png", "alpha.png", "animated.gif", "photo.webp", "photo.tif", "photo.avif", "photo.heic"];

    /// <summary>How the AVIF and HEIC files were made (ImageMagick or the vips CLI), for failure messages.</summary>
    public Dictionary<string, string> HeifEncoder { get; } = [];

    public string P(string name) => Path.Combine(Directory, name);

    public byte[] Bytes(string name) => File.ReadAllBytes(P(name));

    public static byte[] Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        using var output = new MemoryStream();
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(output);
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {error.GetAwaiter().GetResult()}");
        }

        return output.ToArray();
    }

    private static void Magick(params string[] args) => Run(Convert, args);

    /// <summary>The JPEG with an EXIF APP1 segment holding only an orientation tag (0x0112), right after SOI.</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        var tiff = new byte[26];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), (ushort)orientation);
        byte[] app1 = [0xFF, 0xE1, 0, 0, .. "Exif\0\0"u8, .. tiff];
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)(app1.Length - 2));
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    private void Heif(string source, string format)
    {
        var formats = System.Text.Encoding.UTF8.GetString(Run(Convert, "-list", "format"));
        var writable = formats.Split('\n').Any(l => l.TrimStart().StartsWith(format.ToUpperInvariant(), StringComparison.Ordinal) && l.Contains("rw", StringComparison.Ordinal));
        if (writable)
        {
            Magick(source, "-quality", "80", P("photo." + format));
            HeifEncoder[format] = "ImageMagick";
        }
        else if (File.Exists(Vips))
        {
            Run(Vips, "heifsave", source, P("photo." + format), "--Q", "80", "--compression", format == "avif" ? "av1" : "hevc");
            HeifEncoder[format] = "vips heifsave";
        }
        else
        {
            throw new InvalidOperationException($"no {format.ToUpperInvariant()} encoder: ImageMagick cannot write it and {Vips} is missing (apt: libvips-tools)");
        }
    }
}
