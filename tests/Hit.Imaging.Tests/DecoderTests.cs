using Hit.Imaging.Formats.Jpeg;

namespace Hit.Imaging.Tests;

public sealed class DecoderTests
{
    private static Corpus C => Corpus.Instance;

    [Theory]
    [InlineData("j420.jpg")]
    [InlineData("j422.jpg")]
    [InlineData("j440.jpg")]
    [InlineData("j444.jpg")]
    [InlineData("j411.jpg")]
    [InlineData("j410.jpg")]
    [InlineData("jprog420.jpg")]
    [InlineData("jprog444.jpg")]
    [InlineData("jprog422.jpg")]
    [InlineData("jrst.jpg")]
    [InlineData("jrstprog.jpg")]
    [InlineData("jgray.jpg")]
    [InlineData("jgrayprog.jpg")]
    [InlineData("jcmyk.jpg")]
    [InlineData("jcmykprog.jpg")]
    [InlineData("jq50.jpg")]
    public void Jpeg_FullScale_MatchesImageMagickAtLeast45dB(string name)
    {
        var mine = ImageDecoder.Decode(C.Bytes(name));
        var reference = ExternalTools.MagickRgba(C.P(name));
        Assert.Equal((101, 75), (mine.Width, mine.Height));
        double psnr = ImageCompare.Psnr(mine.ToRgba(), reference);
        Assert.True(psnr >= 45, $"{name}: PSNR {psnr:F2} dB < 45 dB");
    }

    // libjpeg's reduced-size IDCTs and ours both keep only the low S×S frequencies, but differ in
    // rounding and (at 1/8) in chroma upsampling, so scaled decodes agree to ≈ 35–50 dB, not bit-exactly.
    [Theory]
    [InlineData("large.jpg", 2, 38)]
    [InlineData("large.jpg", 4, 38)]
    [InlineData("large.jpg", 8, 38)]
    [InlineData("largeprog.jpg", 8, 38)]
    [InlineData("j444.jpg", 2, 33)]
    [InlineData("jprog420.jpg", 4, 30)]
    [InlineData("jgray.jpg", 8, 33)]
    public void Jpeg_ScaledDecode_MatchesLibjpegScaling(string name, int denominator, double minPsnr)
    {
        var data = C.Bytes(name);
        var info = ImageDecoder.Identify(data);
        var mine = ImageDecoder.Decode(data, jpegScaleDenominator: denominator);
        var (w, h) = JpegDecoder.ScaledSize(info.Width, info.Height, denominator);
        Assert.Equal((w, h), (mine.Width, mine.Height));
        // ImageMagick picks the libjpeg scale as floor(width / requested width), so ask for the floor size.
        var reference = ExternalTools.MagickRgba(["-define", $"jpeg:size={info.Width / denominator}x{info.Height / denominator}"], C.P(name));
        Assert.Equal(reference.Length, w * h * 4);
        double psnr = ImageCompare.Psnr(mine.ToRgba(), reference);
        Assert.True(psnr >= minPsnr, $"{name} 1/{denominator}: PSNR {psnr:F2} dB < {minPsnr} dB");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Jpeg_ExifOrientation_MatchesImageMagickAutoOrient(int orientation)
    {
        string name = $"orient{orientation}.jpg";
        var data = C.Bytes(name);
        var info = ImageDecoder.Identify(data);
        Assert.Equal(orientation, info.Orientation);
        var mine = ImageDecoder.Decode(data);
        var (w, h) = ExternalTools.MagickSize(C.P(name), "-auto-orient");
        Assert.Equal((w, h), (mine.Width, mine.Height));
        Assert.Equal(orientation >= 5 ? (75, 101) : (101, 75), (mine.Width, mine.Height));
        double psnr = ImageCompare.Psnr(mine.ToRgba(), ExternalTools.MagickRgba(C.P(name), "-auto-orient"));
        Assert.True(psnr >= 45, $"orientation {orientation}: PSNR {psnr:F2} dB");
    }

    [Theory]
    [InlineData("gray1.png")]
    [InlineData("gray2.png")]
    [InlineData("gray4.png")]
    [InlineData("gray8.png")]
    [InlineData("gray16.png")]
    [InlineData("rgb8.png")]
    [InlineData("rgb16.png")]
    [InlineData("graya8.png")]
    [InlineData("graya16.png")]
    [InlineData("rgba8.png")]
    [InlineData("rgba16.png")]
    [InlineData("pal1.png")]
    [InlineData("pal2.png")]
    [InlineData("pal4.png")]
    [InlineData("pal8.png")]
    [InlineData("paltrns.png")]
    [InlineData("rgb8i.png")]
    [InlineData("rgba8i.png")]
    [InlineData("gray2i.png")]
    [InlineData("pal4i.png")]
    [InlineData("rgb16i.png")]
    [InlineData("g.gif")]
    [InlineData("gtrns.gif")]
    [InlineData("gi.gif")]
    [InlineData("b24.bmp")]
    [InlineData("b8.bmp")]
    [InlineData("b4.bmp")]
    [InlineData("b1.bmp")]
    [InlineData("b32a.bmp")]
    [InlineData("b565.bmp")]
    public void Lossless_Decode_EqualsImageMagickExactly(string name)
    {
        var mine = ImageDecoder.Decode(C.Bytes(name));
        var reference = ExternalTools.MagickRgba(C.P(name));
        var (w, h) = ExternalTools.MagickSize(C.P(name));
        Assert.Equal((w, h), (mine.Width, mine.Height));
        Assert.Equal(0, ImageCompare.Differences(mine.ToRgba(), reference));
    }

    [Fact]
    public void Png_ColourTypesFromCorpus_AreWhatTheNamesSay()
    {
        // Guards the corpus itself: IHDR byte 25 is the colour type, 24 the bit depth.
        Assert.Equal((0, 1), Ihdr("gray1.png"));
        Assert.Equal((0, 16), Ihdr("gray16.png"));
        Assert.Equal((2, 16), Ihdr("rgb16.png"));
        Assert.Equal((4, 16), Ihdr("graya16.png"));
        Assert.Equal((6, 16), Ihdr("rgba16.png"));
        Assert.Equal(3, Ihdr("pal4.png").ColorType);
        Assert.Equal(1, C.Bytes("rgb8i.png")[28]);

        static (int ColorType, int Depth) Ihdr(string name)
        {
            var d = Corpus.Instance.Bytes(name);
            return (d[25], d[24]);
        }
    }

    [Theory]
    [InlineData("j420.jpg", ImageFormat.Jpeg)]
    [InlineData("rgb8.png", ImageFormat.Png)]
    [InlineData("g.gif", ImageFormat.Gif)]
    [InlineData("b24.bmp", ImageFormat.Bmp)]
    public void Detect_UsesMagicBytesNotFileName(string name, ImageFormat expected)
    {
        var data = C.Bytes(name);
        Assert.Equal(expected, ImageFormatDetector.Detect(data));
        var renamed = Path.Combine(C.Directory, Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllBytes(renamed, data);
        Assert.Equal(expected, ImageDecoder.Identify(File.ReadAllBytes(renamed)).Format);
    }
}
