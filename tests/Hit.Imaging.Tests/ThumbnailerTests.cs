using Hit.Imaging.Thumbnails;

namespace Hit.Imaging.Tests;

public sealed class ThumbnailerTests
{
    private static Corpus C => Corpus.Instance;

    // Threshold rationale: ImageMagick's -thumbnail resamples the full-resolution decode with its
    // Lanczos-windowed filter; we shrink by 1/8 in the DCT domain first and then Lanczos3, and both
    // sides are re-encoded/quantised differently. On this smooth test photo the two agree to ≈ 40 dB;
    // 32 dB is the floor that still catches a wrong crop, offset, colour conversion or orientation
    // (each of those drops PSNR below 25 dB).
    private const double ThumbnailPsnr = 32;

    [Theory]
    [InlineData("large.jpg")]
    [InlineData("largeprog.jpg")]
    public void Jpeg_Fit256_MatchesImageMagickThumbnail(string name)
    {
        var result = Thumbnailer.Generate(C.Bytes(name), new ThumbnailOptions { Sizes = [ThumbnailSize.Square(256)], Quality = 95 });
        var thumb = Assert.Single(result.Thumbnails);
        Assert.Equal((ImageFormat.Jpeg, 1600, 1200), (result.SourceFormat, result.SourceWidth, result.SourceHeight));
        Assert.Equal((256, 192, ImageFormat.Jpeg), (thumb.Width, thumb.Height, thumb.Format));

        string file = Path.Combine(C.Directory, $"thumb-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(file, thumb.Data.ToArray());
        var reference = ExternalTools.MagickRgba(C.P(name), "-thumbnail", "256x256");
        double psnr = ImageCompare.Psnr(ExternalTools.MagickRgba(file), reference);
        Assert.True(psnr >= ThumbnailPsnr, $"PSNR {psnr:F2} dB");
        EncoderTests.AssertVipsDecodes(file);
    }

    [Fact]
    public void PngWithAlpha_Fit256_IsPngAndMatchesImageMagickThumbnail()
    {
        var result = Thumbnailer.Generate(C.Bytes("large-alpha.png"));
        var thumb = Assert.Single(result.Thumbnails);
        Assert.Equal((256, 256, ImageFormat.Png), (thumb.Width, thumb.Height, thumb.Format));
        string file = Path.Combine(C.Directory, $"thumb-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(file, thumb.Data.ToArray());
        var reference = ExternalTools.MagickRgba(C.P("large-alpha.png"), "-thumbnail", "256x256");
        double psnr = ImageCompare.Psnr(ExternalTools.MagickRgba(file), reference);
        Assert.True(psnr >= ThumbnailPsnr, $"PSNR {psnr:F2} dB");
        EncoderTests.AssertVipsDecodes(file);
    }

    [Fact]
    public void Cover_CropsTheCentreToTheExactBox()
    {
        var result = Thumbnailer.Generate(C.Bytes("large.jpg"), new ThumbnailOptions { Sizes = [new ThumbnailSize(100, 100)], Mode = ThumbnailMode.Cover, Quality = 95 });
        var thumb = Assert.Single(result.Thumbnails);
        Assert.Equal((100, 100), (thumb.Width, thumb.Height));
        string file = Path.Combine(C.Directory, $"thumb-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(file, thumb.Data.ToArray());
        var reference = ExternalTools.MagickRgba(C.P("large.jpg"), "-thumbnail", "100x100^", "-gravity", "center", "-extent", "100x100");
        double psnr = ImageCompare.Psnr(ExternalTools.MagickRgba(file), reference);
        Assert.True(psnr >= ThumbnailPsnr, $"PSNR {psnr:F2} dB");
    }

    [Fact]
    public void PerSizeMode_MixesFitAndCoverInOneCall_MatchingSeparateCalls()
    {
        var data = C.Bytes("large.jpg");
        var mixed = Thumbnailer.Generate(data, new ThumbnailOptions
        {
            Sizes = [ThumbnailSize.Square(128), ThumbnailSize.Square(100) with { Mode = ThumbnailMode.Cover }],
            Quality = 95,
        });
        var fit = Thumbnailer.Generate(data, new ThumbnailOptions { Sizes = [ThumbnailSize.Square(128)], Quality = 95 });
        var cover = Thumbnailer.Generate(data, new ThumbnailOptions { Sizes = [ThumbnailSize.Square(100)], Mode = ThumbnailMode.Cover, Quality = 95 });

        Assert.Equal((fit.Thumbnails[0].Width, fit.Thumbnails[0].Height), (mixed.Thumbnails[0].Width, mixed.Thumbnails[0].Height));
        Assert.NotEqual(mixed.Thumbnails[0].Width, mixed.Thumbnails[0].Height); // large.jpg is not square: fitted, not cropped
        Assert.Equal((100, 100), (mixed.Thumbnails[1].Width, mixed.Thumbnails[1].Height));
        Assert.Equal(ThumbnailMode.Cover, mixed.Thumbnails[1].Requested.Mode);
        // Same pixels as the single-mode calls (the decode scale covers the largest size in both cases).
        Assert.Equal(cover.Thumbnails[0].Data.ToArray(), mixed.Thumbnails[1].Data.ToArray());
    }

    [Fact]
    public void Exact_StretchesToTheBox()
    {
        var result = Thumbnailer.Generate(C.Bytes("large.jpg"), new ThumbnailOptions { Sizes = [new ThumbnailSize(120, 40)], Mode = ThumbnailMode.Exact, Quality = 95 });
        var thumb = Assert.Single(result.Thumbnails);
        Assert.Equal((120, 40), (thumb.Width, thumb.Height));
        string file = Path.Combine(C.Directory, $"thumb-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(file, thumb.Data.ToArray());
        var reference = ExternalTools.MagickRgba(C.P("large.jpg"), "-thumbnail", "120x40!");
        double psnr = ImageCompare.Psnr(ExternalTools.MagickRgba(file), reference);
        Assert.True(psnr >= ThumbnailPsnr, $"PSNR {psnr:F2} dB");
    }

    [Fact]
    public void SeveralSizes_ComeFromOneCall_WithFormatOverride()
    {
        var result = Thumbnailer.Generate(C.Bytes("large.jpg"), new ThumbnailOptions
        {
            Sizes = [ThumbnailSize.Square(64), ThumbnailSize.Square(512), new ThumbnailSize(300, 100)],
            Format = ThumbnailFormat.Png,
        });
        Assert.Equal([(64, 48), (512, 384), (133, 100)], result.Thumbnails.Select(t => (t.Width, t.Height)));
        Assert.All(result.Thumbnails, t => Assert.Equal(ImageFormat.Png, ImageFormatDetector.Detect(t.Data.Span)));
        Assert.All(result.Thumbnails, t => Assert.Equal((t.Width, t.Height), (ImageDecoder.Identify(t.Data.ToArray()).Width, ImageDecoder.Identify(t.Data.ToArray()).Height)));
    }

    [Fact]
    public void Fit_DoesNotEnlargeUnlessAsked()
    {
        var data = C.Bytes("j420.jpg");
        Assert.Equal((101, 75), Dim(Thumbnailer.Generate(data, new ThumbnailOptions { Sizes = [ThumbnailSize.Square(256)] })));
        Assert.Equal((256, 190), Dim(Thumbnailer.Generate(data, new ThumbnailOptions { Sizes = [ThumbnailSize.Square(256)], Upscale = true })));

        static (int, int) Dim(ThumbnailResult r) => (r.Thumbnails[0].Width, r.Thumbnails[0].Height);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(3)]
    public void Orientation_IsAppliedBeforeSizing(int orientation)
    {
        var data = Corpus.WithExifOrientation(C.Bytes("large.jpg"), orientation);
        string src = Path.Combine(C.Directory, $"orient-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(src, data);
        var result = Thumbnailer.Generate(data, new ThumbnailOptions { Sizes = [ThumbnailSize.Square(128)], Quality = 95 });
        var thumb = result.Thumbnails[0];
        Assert.Equal(orientation >= 5 ? (1200, 1600) : (1600, 1200), (result.SourceWidth, result.SourceHeight));
        Assert.Equal(orientation >= 5 ? (96, 128) : (128, 96), (thumb.Width, thumb.Height));
        string file = Path.Combine(C.Directory, $"thumb-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(file, thumb.Data.ToArray());
        double psnr = ImageCompare.Psnr(ExternalTools.MagickRgba(file), ExternalTools.MagickRgba(src, "-auto-orient", "-thumbnail", "128x128"));
        Assert.True(psnr >= ThumbnailPsnr, $"PSNR {psnr:F2} dB");
    }

    [Theory]
    [InlineData("g.gif", ImageFormat.Jpeg)]
    [InlineData("gtrns.gif", ImageFormat.Png)]
    [InlineData("b24.bmp", ImageFormat.Jpeg)]
    [InlineData("b32a.bmp", ImageFormat.Png)]
    [InlineData("jgray.jpg", ImageFormat.Jpeg)]
    [InlineData("jcmyk.jpg", ImageFormat.Jpeg)]
    [InlineData("gray16.png", ImageFormat.Jpeg)]
    public void EveryFormat_Thumbnails_WithAlphaToPngAndOpaqueToJpeg(string name, ImageFormat expected)
    {
        var result = Thumbnailer.Generate(C.Bytes(name), new ThumbnailOptions { Sizes = [ThumbnailSize.Square(40)] });
        Assert.Equal(expected, result.Thumbnails[0].Format);
        Assert.Equal(expected, ImageFormatDetector.Detect(result.Thumbnails[0].Data.Span));
        string file = Path.Combine(C.Directory, $"thumb-{Guid.NewGuid():N}" + (expected == ImageFormat.Png ? ".png" : ".jpg"));
        File.WriteAllBytes(file, result.Thumbnails[0].Data.ToArray());
        Assert.Equal((result.Thumbnails[0].Width, result.Thumbnails[0].Height), ExternalTools.MagickSize(file));
    }

    [Fact]
    public async Task GenerateAsync_ReadsNonSeekableStreams()
    {
        using var stream = new NonSeekableStream(C.Bytes("j420.jpg"));
        var result = await Thumbnailer.GenerateAsync(stream, new ThumbnailOptions { Sizes = [ThumbnailSize.Square(50)] });
        Assert.Equal((50, 37), (result.Thumbnails[0].Width, result.Thumbnails[0].Height));
    }

    internal sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
