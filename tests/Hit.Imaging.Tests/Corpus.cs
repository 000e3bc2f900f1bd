using System.Buffers.Binary;

namespace Hit.Imaging.Tests;

/// <summary>
/// Test images generated once per test run with ImageMagick into a temp directory. Sources are
/// small with odd sizes (partial MCUs, partial PNG bytes) except the large photo used for scaled
/// decoding and thumbnails. Generation runs in parallel and takes a few seconds.
/// </summary>
public sealed class Corpus
{
    private static readonly Lazy<Corpus> Shared = new(() => new Corpus(), LazyThreadSafetyMode.ExecutionAndPublication);

    private const string Prefix = "hit-imaging-corpus-";

    private Corpus()
    {
        RemoveStaleCorpora();
        Directory = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS temp cleaner removes leftovers.
            }
        };

        // Stage 1: sources.
        Parallel.Invoke(
            new ParallelOptions { MaxDegreeOfParallelism = 2 },
            () => Magick("-seed", "7", "-size", "101x75", "plasma:fractal", "-blur", "0x0.6", P("base.png")),
            () => Magick("-size", "61x43", "gradient:red-blue", "(", "-size", "61x43", "gradient:white-black", ")", "-alpha", "off", "-compose", "copy_opacity", "-composite", P("alpha.png")),
            () => Magick("-size", "53x37", "-depth", "16", "gradient:#102030-#f0e0d0", P("grad16.png")),
            () => Magick("-seed", "3", "-size", "1600x1200", "plasma:fractal", "-blur", "0x2", "-quality", "92", P("large.jpg")));

        // Stage 2: derived files.
        var jobs = new List<string[]>();
        void Add(params string[] args) => jobs.Add(args);
        string b = P("base.png");
        string a = P("alpha.png");
        string g16 = P("grad16.png");

        // JPEG: every subsampling, progressive, restart markers, grayscale, CMYK, YCCK-free CMYK.
        Add(b, "-quality", "92", "-sampling-factor", "2x2", P("j420.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "2x1", P("j422.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "1x2", P("j440.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "1x1", P("j444.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "4x1", P("j411.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "4x2", P("j410.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "2x2", "-interlace", "plane", P("jprog420.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "1x1", "-interlace", "plane", P("jprog444.jpg"));
        Add(b, "-quality", "92", "-sampling-factor", "2x1", "-interlace", "plane", P("jprog422.jpg"));
        Add(b, "-quality", "92", "-define", "jpeg:restart-interval=1", P("jrst.jpg"));
        Add(b, "-quality", "92", "-define", "jpeg:restart-interval=3", "-interlace", "plane", P("jrstprog.jpg"));
        Add(b, "-quality", "92", "-colorspace", "gray", P("jgray.jpg"));
        Add(b, "-quality", "92", "-colorspace", "gray", "-interlace", "plane", P("jgrayprog.jpg"));
        Add(b, "-quality", "92", "-colorspace", "cmyk", P("jcmyk.jpg"));
        Add(b, "-quality", "92", "-colorspace", "cmyk", "-interlace", "plane", P("jcmykprog.jpg"));
        Add(b, "-quality", "50", "-sampling-factor", "2x2", "-define", "jpeg:optimize-coding=true", P("jq50.jpg"));
        Add(P("large.jpg"), "-interlace", "plane", P("largeprog.jpg"));

        // PNG: every colour type and bit depth, palette + tRNS, Adam7.
        foreach (var depth in new[] { "1", "2", "4", "8" })
        {
            Add(b, "-colorspace", "gray", "-define", "png:color-type=0", "-define", $"png:bit-depth={depth}", P($"gray{depth}.png"));
        }

        Add(g16, "-colorspace", "gray", "-define", "png:color-type=0", "-define", "png:bit-depth=16", P("gray16.png"));
        Add(b, "-define", "png:color-type=2", "-define", "png:bit-depth=8", P("rgb8.png"));
        Add(g16, "-define", "png:color-type=2", "-define", "png:bit-depth=16", P("rgb16.png"));
        Add(a, "-colorspace", "gray", "-define", "png:color-type=4", "-define", "png:bit-depth=8", P("graya8.png"));
        Add(a, "-colorspace", "gray", "-define", "png:color-type=4", "-define", "png:bit-depth=16", P("graya16.png"));
        Add(a, "-define", "png:color-type=6", "-define", "png:bit-depth=8", P("rgba8.png"));
        Add(g16, "-alpha", "set", "-channel", "A", "-fx", "i/w", "+channel", "-define", "png:color-type=6", "-define", "png:bit-depth=16", P("rgba16.png"));
        Add(b, "-colors", "2", "-define", "png:color-type=3", "-define", "png:bit-depth=1", P("pal1.png"));
        Add(b, "-colors", "4", "-define", "png:color-type=3", "-define", "png:bit-depth=2", P("pal2.png"));
        Add(b, "-colors", "16", "-define", "png:color-type=3", "-define", "png:bit-depth=4", P("pal4.png"));
        Add(b, "-colors", "200", "-define", "png:color-type=3", "-define", "png:bit-depth=8", P("pal8.png"));
        Add(a, "-channel", "A", "-threshold", "50%", "+channel", "-colors", "32", "PNG8:" + P("paltrns.png"));
        Add(b, "-interlace", "PNG", "-define", "png:color-type=2", P("rgb8i.png"));
        Add(a, "-interlace", "PNG", "-define", "png:color-type=6", P("rgba8i.png"));
        Add(b, "-colorspace", "gray", "-interlace", "PNG", "-define", "png:color-type=0", "-define", "png:bit-depth=2", P("gray2i.png"));
        Add(b, "-colors", "16", "-interlace", "PNG", "-define", "png:color-type=3", "-define", "png:bit-depth=4", P("pal4i.png"));
        Add(g16, "-interlace", "PNG", "-define", "png:color-type=2", "-define", "png:bit-depth=16", P("rgb16i.png"));
        Add("-seed", "5", "-size", "2000x2000", "plasma:fractal", "(", "-size", "2000x2000", "radial-gradient:white-black", ")", "-alpha", "off", "-compose", "copy_opacity", "-composite", P("large-alpha.png"));

        // GIF and BMP.
        Add(b, "-colors", "64", P("g.gif"));
        Add(a, "-channel", "A", "-threshold", "50%", "+channel", "-colors", "32", P("gtrns.gif"));
        Add(b, "-colors", "64", "-interlace", "GIF", P("gi.gif"));
        Add(b, "bmp3:" + P("b24.bmp"));
        Add(b, "-colors", "200", "-type", "palette", "bmp3:" + P("b8.bmp"));
        Add(b, "-colors", "16", "-type", "palette", "bmp3:" + P("b4.bmp"));
        Add(b, "-type", "bilevel", "bmp3:" + P("b1.bmp"));
        Add(a, "bmp:" + P("b32a.bmp"));
        Add(b, "-define", "bmp:subtype=RGB565", "bmp:" + P("b565.bmp"));

        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 3 }, job => Magick(job));

        // EXIF orientations 1–8, inserted as an APP1 segment so the test controls the exact bytes.
        var j = File.ReadAllBytes(P("j420.jpg"));
        for (int o = 1; o <= 8; o++)
        {
            File.WriteAllBytes(P($"orient{o}.jpg"), WithExifOrientation(j, o));
        }
    }

    public static Corpus Instance => Shared.Value;

    /// <summary>
    /// The test host may be torn down before ProcessExit finishes deleting, so each run also removes
    /// corpora older than an hour (never a concurrent run's fresh one).
    /// </summary>
    private static void RemoveStaleCorpora()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            try
            {
                if (System.IO.Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddHours(-1))
                {
                    System.IO.Directory.Delete(dir, recursive: true);
                }
            }
            catch (IOException)
            {
                // Another run may be deleting it at the same time.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to delete.
            }
        }
    }

    public string Directory { get; }

    public string P(string name) => Path.Combine(Directory, name);

    public byte[] Bytes(string name) => File.ReadAllBytes(P(name));

    private static void Magick(params string[] args) => ExternalTools.Run(ExternalTools.Convert, args);

    /// <summary>Inserts an Exif APP1 (big-endian TIFF, one IFD entry: Orientation) after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
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
        // next-IFD offset (bytes 22–25) stays 0.
        var app1 = new List<byte> { 0xFF, 0xE1, 0, 0 };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        int len = app1.Count - 2;
        app1[2] = (byte)(len >> 8);
        app1[3] = (byte)len;
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }
}
