using System.Diagnostics;
using Hit.Files.Thumbnails;
using NetVips;

namespace Hit.Files.Tests.Thumbnails;

/// <summary>
/// Golden-image tests of the libvips pipeline: every corpus format against ImageMagick's <c>-auto-orient -thumbnail</c>
/// of the same file, compared by PSNR (8-bit sRGB, transparent parts on white). The threshold is
/// <see cref="MinPsnr"/> dB: two different resamplers (libvips' lanczos3 reduce vs ImageMagick's filter) plus one JPEG
/// encode at quality 90 measure 33–45 dB here; a wrong orientation, frame, colour conversion or crop drops to ≈ 10–20.
/// </summary>
public sealed class VipsThumbnailerTests
{
    private const double MinPsnr = 30;

    /// <summary>
    /// CMYK without an embedded profile: libvips converts through its fallback CMYK profile (lcms), ImageMagick with the
    /// naive 1 − C formula, so the two disagree by design; measured ≈ 22 dB, still far from a broken conversion (≈ 8).
    /// </summary>
    private const double MinPsnrCmyk = 18;

    private static ImageCorpus C => ImageCorpus.Instance;

    private static ThumbnailJob Job(ThumbnailFormat format = ThumbnailFormat.Jpeg, long maxPixels = 100_000_000, TimeSpan? timeout = null) => new(
        [new ThumbnailSpec("64", 64, false), new ThumbnailSpec("160", 160, false), new ThumbnailSpec("96-square", 96, true)],
        format, 90, 64L * 1024 * 1024, maxPixels, timeout ?? TimeSpan.FromSeconds(20));

    public static TheoryData<string> Formats() => [.. ImageCorpus.Names];

    public static TheoryData<string> Decodable() => [.. ImageCorpus.Names.Where(n => n != "photo.heic")];

    [Theory]
    [MemberData(nameof(Decodable))]
    public void Make_EveryFormat_MatchesImageMagickWithinPsnr(string name)
    {
        var outcome = VipsThumbnailer.Make(C.Bytes(name), Job(), CancellationToken.None);

        Assert.Null(outcome.Reason);
        var fit = outcome.Thumbnails.Single(t => t.Key == "160");
        var reference = ImageCorpus.Run(ImageCorpus.Convert, C.P(name) + "[0]", "-auto-orient", "-colorspace", "sRGB", "-thumbnail", "160x160", "png:-");
        Assert.Equal(Size(reference), (fit.Width, fit.Height));
        var psnr = Psnr(fit.Data, reference);
        Assert.True(psnr >= (name == "cmyk.jpg" ? MinPsnrCmyk : MinPsnr), $"{name}: PSNR {psnr:F1} dB against convert -thumbnail");

        var square = outcome.Thumbnails.Single(t => t.Key == "96-square");
        var cover = ImageCorpus.Run(ImageCorpus.Convert, C.P(name) + "[0]", "-auto-orient", "-colorspace", "sRGB", "-thumbnail", "96x96^", "-gravity", "center", "-extent", "96x96", "png:-");
        Assert.Equal((96, 96), (square.Width, square.Height));
        var coverPsnr = Psnr(square.Data, cover);
        Assert.True(coverPsnr >= (name == "cmyk.jpg" ? MinPsnrCmyk : MinPsnr) - 3, $"{name}: cover PSNR {coverPsnr:F1} dB");
    }

    [Fact]
    public void Make_ExifRotatedJpeg_ReportsAndOutputsTheDisplayedOrientation()
    {
        var outcome = VipsThumbnailer.Make(C.Bytes("rotated.jpg"), Job(), CancellationToken.None);

        Assert.Equal((240, 320), (outcome.SourceWidth, outcome.SourceHeight));
        Assert.Equal((120, 160), Dimensions(outcome, "160"));
    }

    [Fact]
    public void Make_Outputs_CarryNoMetadataAndAreSrgb()
    {
        foreach (var name in new[] { "rotated.jpg", "cmyk.jpg", "png16.png" })
        {
            var outcome = VipsThumbnailer.Make(C.Bytes(name), Job(), CancellationToken.None);
            foreach (var thumbnail in outcome.Thumbnails)
            {
                using var image = Image.NewFromBuffer(thumbnail.Data);
                Assert.Equal(Enums.Interpretation.Srgb, image.Interpretation);
                Assert.Equal(Enums.BandFormat.Uchar, image.Format);
                Assert.False(image.Contains("exif-data"), $"{name} {thumbnail.Key} kept EXIF");
                Assert.False(image.Contains("icc-profile-data"), $"{name} {thumbnail.Key} kept an ICC profile");
            }
        }
    }

    [Fact]
    public void Make_AlphaSource_IsPngInJpegModeAndWebpWithAlphaInWebpMode()
    {
        var jpeg = VipsThumbnailer.Make(C.Bytes("alpha.png"), Job(), CancellationToken.None);
        var webp = VipsThumbnailer.Make(C.Bytes("alpha.png"), Job(ThumbnailFormat.Webp), CancellationToken.None);
        var opaque = VipsThumbnailer.Make(C.Bytes("photo.webp"), Job(), CancellationToken.None);

        Assert.All(jpeg.Thumbnails, t => Assert.Equal("image/png", t.ContentType));
        Assert.All(webp.Thumbnails, t => Assert.Equal(("image/webp", "webp"), (t.ContentType, t.Extension)));
        using var decoded = Image.NewFromBuffer(webp.Thumbnails[0].Data);
        Assert.True(decoded.HasAlpha());
        Assert.All(opaque.Thumbnails, t => Assert.Equal(("image/jpeg", "jpg"), (t.ContentType, t.Extension)));
    }

    [Fact]
    public void Make_SmallImage_IsNeverEnlarged()
    {
        var outcome = VipsThumbnailer.Make(TestImages.Jpeg(50, 30), Job(), CancellationToken.None);

        Assert.Equal((50, 30), Dimensions(outcome, "64"));
        Assert.Equal((50, 30), Dimensions(outcome, "160"));
        Assert.Equal((50, 30), Dimensions(outcome, "96-square"));
    }

    [Fact]
    public void Make_OverThePixelLimit_IsRefusedFromTheHeader()
    {
        var outcome = VipsThumbnailer.Make(C.Bytes("photo.jpg"), Job(maxPixels: 320 * 239), CancellationToken.None);

        Assert.Equal(RefusalKind.OverTheLimits, outcome.Refusal);
        Assert.Equal("320x240 pixels exceeds the limit of 76480", outcome.Reason);
    }

    [Fact]
    public void Make_OverTheTimeout_IsRefusedAsTimedOut()
    {
        using var noise = Image.Gaussnoise(6000, 6000);
        using var big = noise.Cast(Enums.BandFormat.Uchar);
        var jpeg = big.JpegsaveBuffer(q: 95, interlace: true);

        var clock = Stopwatch.StartNew();
        var outcome = VipsThumbnailer.Make(jpeg, Job(timeout: TimeSpan.FromMilliseconds(50)), CancellationToken.None);

        Assert.Equal(RefusalKind.TimedOut, outcome.Refusal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed}");
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>")]
    [InlineData("not an image at all")]
    public void Make_ForbiddenOrUnknownLoader_IsRefusedBeforeDecoding(string content)
    {
        var outcome = VipsThumbnailer.Make(System.Text.Encoding.UTF8.GetBytes(content), Job(), CancellationToken.None);

        Assert.Equal(RefusalKind.Unreadable, outcome.Refusal);
    }

    [Fact]
    public void Make_Heic_IsRefusedWithTheReason_NotCrashed()
    {
        var outcome = VipsThumbnailer.Make(C.Bytes("photo.heic"), Job(), CancellationToken.None);

        Assert.Equal(RefusalKind.Unreadable, outcome.Refusal);
        Assert.Contains("HEVC", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Make_TruncatedJpeg_IsRefused()
    {
        var outcome = VipsThumbnailer.Make(TestImages.TruncatedJpeg(), Job(), CancellationToken.None);

        Assert.NotNull(outcome.Refusal);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Reason));
    }

    /// <summary>
    /// Bounded mutation fuzzing of every corpus format: 200 seeded mutations each (bit flips, overwritten runs, cuts,
    /// duplicated chunks). Each must end as thumbnails or a refusal — no exception escapes — within 10 s (the job's
    /// timeout is 2 s), and the test process's working set stays under 1.5 GiB (limit: 16 MP per image).
    /// </summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public void Make_MutatedInputs_NeverThrowHangOrGrowMemory(string name)
    {
        const long MemoryBound = 1536L * 1024 * 1024;
        var original = C.Bytes(name);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) ^ 20261203);
        var job = Job(maxPixels: 16_000_000, timeout: TimeSpan.FromSeconds(2));
        var refused = 0;
        for (var i = 0; i < 200; i++)
        {
            var input = Mutate(original, random);
            var clock = Stopwatch.StartNew();
            var outcome = VipsThumbnailer.Make(input, job, CancellationToken.None);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{name} mutation {i} took {clock.Elapsed}");
            Assert.True(outcome.Refusal is not null || outcome.Thumbnails.Count == 3, $"{name} mutation {i}: neither refused nor complete");
            refused += outcome.Refusal is null ? 0 : 1;
            using var self = Process.GetCurrentProcess();
            Assert.True(self.WorkingSet64 < MemoryBound, $"{name} mutation {i}: working set {self.WorkingSet64 / 1048576} MiB");
        }

        Assert.InRange(refused, 1, 200); // the mutations do reach the refusal paths
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var k = random.Next(1, 9); k > 0; k--)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 1:
                // Overwrite a run near the start, where the headers (sizes, tables, chunk lengths) live.
                var at = random.Next(Math.Min(data.Length, 512));
                random.NextBytes(data.AsSpan(at, Math.Min(data.Length - at, random.Next(1, 16))));
                return data;
            case 2:
                return data[..random.Next(1, data.Length)];
            default:
                var from = random.Next(data.Length);
                var length = Math.Min(data.Length - from, random.Next(1, 4096));
                var to = random.Next(data.Length);
                return [.. data[..to], .. data.AsSpan(from, length), .. data[to..]];
        }
    }

    private static (int Width, int Height) Dimensions(ThumbnailOutcome outcome, string key) =>
        outcome.Thumbnails.Single(t => t.Key == key) is var t ? (t.Width, t.Height) : default;

    private static (int Width, int Height) Size(byte[] encoded) => TestImages.Dimensions(encoded);

    /// <summary>PSNR of two encoded images after decoding both to 8-bit sRGB with transparent parts on white.</summary>
    private static double Psnr(byte[] actual, byte[] expected)
    {
        using var a = Flat(actual);
        using var e = Flat(expected);
        Assert.Equal((e.Width, e.Height), (a.Width, a.Height));
        using var difference = a.Cast(Enums.BandFormat.Float) - e.Cast(Enums.BandFormat.Float);
        using var squared = difference * difference;
        var mse = squared.Avg();
        return mse <= 1e-10 ? 99 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    private static Image Flat(byte[] encoded)
    {
        using var image = Image.NewFromBuffer(encoded);
        using var flat = image.HasAlpha() ? image.Flatten(background: [255, 255, 255]) : image.Copy();
        using var srgb = flat.Interpretation == Enums.Interpretation.Srgb ? flat.Copy() : flat.Colourspace(Enums.Interpretation.Srgb);
        return srgb.Bands == 3 ? srgb.Cast(Enums.BandFormat.Uchar) : srgb.Bandjoin(srgb, srgb).Cast(Enums.BandFormat.Uchar);
    }
}
