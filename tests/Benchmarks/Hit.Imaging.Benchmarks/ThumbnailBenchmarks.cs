using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Hit.Imaging.Thumbnails;

namespace Hit.Imaging.Benchmarks;

/// <summary>
/// In-process cost of one thumbnail (decode + resize + encode) for the three reference inputs.
/// Inputs are generated with ImageMagick into HIT_BENCH_DIR (default /tmp/hit-imaging-bench), the
/// same files hyperfine.sh uses.
/// </summary>
[MemoryDiagnoser]
public class ThumbnailBenchmarks
{
    private byte[] _photo = [];
    private byte[] _progressive = [];
    private byte[] _alpha = [];
    private readonly ThumbnailOptions _options = new() { Sizes = [ThumbnailSize.Square(256)] };

    [GlobalSetup]
    public void Setup()
    {
        string dir = Environment.GetEnvironmentVariable("HIT_BENCH_DIR") ?? "/tmp/hit-imaging-bench";
        Directory.CreateDirectory(dir);
        _photo = Input(dir, "photo.jpg", "-seed 3 -size 4000x3000 plasma:fractal -blur 0x3 -quality 90 -sampling-factor 2x2");
        _progressive = Input(dir, "photo-progressive.jpg", $"{Path.Combine(dir, "photo.jpg")} -interlace plane -quality 90");
        _alpha = Input(dir, "alpha.png", "-seed 5 -size 2000x2000 plasma:fractal -blur 0x3 ( -size 2000x2000 radial-gradient:white-black ) -alpha off -compose copy_opacity -composite -depth 8");
    }

    [Benchmark(Description = "4000x3000 JPEG -> 256 JPEG")]
    public int Photo() => Thumbnailer.Generate(_photo, _options).Thumbnails[0].Data.Length;

    [Benchmark(Description = "4000x3000 progressive JPEG -> 256 JPEG")]
    public int Progressive() => Thumbnailer.Generate(_progressive, _options).Thumbnails[0].Data.Length;

    [Benchmark(Description = "2000x2000 PNG+alpha -> 256 PNG")]
    public int Alpha() => Thumbnailer.Generate(_alpha, _options).Thumbnails[0].Data.Length;

    [Benchmark(Description = "4000x3000 JPEG decode at 1/8")]
    public int DecodeScaled() => ImageDecoder.Decode(_photo, jpegScaleDenominator: 8).Width;

    private static byte[] Input(string dir, string name, string convertArgs)
    {
        string path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            var psi = new ProcessStartInfo("/usr/bin/convert") { UseShellExecute = false };
            foreach (var a in convertArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                psi.ArgumentList.Add(a);
            }

            psi.ArgumentList.Add(path);
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"convert failed for {name}");
            }
        }

        return File.ReadAllBytes(path);
    }
}
