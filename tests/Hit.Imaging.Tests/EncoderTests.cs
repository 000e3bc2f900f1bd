using Hit.Imaging.Formats.Jpeg;
using Hit.Imaging.Formats.Png;

namespace Hit.Imaging.Tests;

public sealed class EncoderTests
{
    private static Corpus C => Corpus.Instance;

    public static TheoryData<string, int, ChromaSubsampling, bool, double> JpegCases => new()
    {
        // Thresholds: quality 90 on this blurred plasma loses ≈ 38–42 dB; 4:2:0 loses more chroma.
        { "base.png", 90, ChromaSubsampling.Subsample420, false, 33 },
        { "base.png", 90, ChromaSubsampling.Subsample444, false, 36 },
        { "base.png", 90, ChromaSubsampling.Subsample420, true, 33 },
        { "base.png", 50, ChromaSubsampling.Subsample444, true, 30 },
        { "gray8.png", 90, ChromaSubsampling.Subsample420, true, 36 },
        { "rgba8.png", 90, ChromaSubsampling.Subsample444, false, 33 },
    };

    [Theory]
    [MemberData(nameof(JpegCases))]
    public void Jpeg_Encoded_DecodesInImageMagickAndLibvips(string source, int quality, ChromaSubsampling subsampling, bool optimize, double minPsnr)
    {
        var image = ImageDecoder.Decode(C.Bytes(source));
        var encoded = JpegEncoder.Encode(image, new JpegEncoderOptions { Quality = quality, Subsampling = subsampling, OptimizeHuffman = optimize });
        string file = Path.Combine(C.Directory, $"enc-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(file, encoded);

        var reference = ExternalTools.MagickRgba(file);
        var expected = Processing.Transforms.Flatten(image).ToRgba();
        double psnr = ImageCompare.Psnr(reference, expected);
        Assert.True(psnr >= minPsnr, $"PSNR {psnr:F2} dB < {minPsnr}");
        Assert.Equal((image.Width, image.Height), ExternalTools.MagickSize(file));
        AssertVipsDecodes(file);

        // Our own decoder reads it back too, identically to ImageMagick at full scale.
        Assert.True(ImageCompare.Psnr(ImageDecoder.Decode(encoded).ToRgba(), reference) >= 45);
    }

    [Fact]
    public void Jpeg_OptimizedHuffman_IsSmallerThanStandardTables()
    {
        var image = ImageDecoder.Decode(C.Bytes("base.png"));
        var standard = JpegEncoder.Encode(image, new JpegEncoderOptions { Quality = 85 });
        var optimized = JpegEncoder.Encode(image, new JpegEncoderOptions { Quality = 85, OptimizeHuffman = true });
        Assert.True(optimized.Length < standard.Length, $"{optimized.Length} >= {standard.Length}");
    }

    [Fact]
    public void Jpeg_HigherQuality_IsLargerAndCloser()
    {
        var image = ImageDecoder.Decode(C.Bytes("base.png"));
        var low = JpegEncoder.Encode(image, new JpegEncoderOptions { Quality = 30 });
        var high = JpegEncoder.Encode(image, new JpegEncoderOptions { Quality = 95 });
        Assert.True(high.Length > low.Length);
        var rgba = image.ToRgba();
        Assert.True(ImageCompare.Psnr(ImageDecoder.Decode(high).ToRgba(), rgba) > ImageCompare.Psnr(ImageDecoder.Decode(low).ToRgba(), rgba));
    }

    [Fact]
    public void Jpeg_StandardAcTables_CoverEveryBaselineSymbol()
    {
        var expected = new HashSet<byte> { 0x00, 0xF0 };
        for (int run = 0; run < 16; run++)
        {
            for (int size = 1; size <= 10; size++)
            {
                expected.Add((byte)((run << 4) | size));
            }
        }

        Assert.True(expected.SetEquals(HuffmanCode.StdAcLuma.Values));
        Assert.True(expected.SetEquals(HuffmanCode.StdAcChroma.Values));
        Assert.Equal(162, HuffmanCode.StdAcLuma.Counts.Sum(c => c));
        Assert.Equal(162, HuffmanCode.StdAcChroma.Counts.Sum(c => c));
    }

    [Theory]
    [InlineData("rgba8.png")]
    [InlineData("rgb8.png")]
    [InlineData("gray8.png")]
    [InlineData("paltrns.png")]
    public void Png_Encoded_RoundTripsExactlyThroughImageMagickAndLibvips(string source)
    {
        var image = ImageDecoder.Decode(C.Bytes(source));
        var encoded = PngEncoder.Encode(image);
        string file = Path.Combine(C.Directory, $"enc-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(file, encoded);
        Assert.Equal(0, ImageCompare.Differences(ExternalTools.MagickRgba(file), image.ToRgba()));
        Assert.Equal(0, ImageCompare.Differences(ImageDecoder.Decode(encoded).ToRgba(), image.ToRgba()));
        AssertVipsDecodes(file);
    }

    [Fact]
    public void Encoders_WriteNoMetadata()
    {
        var data = Corpus.WithExifOrientation(C.Bytes("j420.jpg"), 6);
        var result = Thumbnails.Thumbnailer.Generate(data, new Thumbnails.ThumbnailOptions { Sizes = [Thumbnails.ThumbnailSize.Square(32)] });
        var jpeg = result.Thumbnails[0].Data.ToArray();
        Assert.Equal(-1, jpeg.AsSpan().IndexOf("Exif"u8));
        Assert.Equal(1, ImageDecoder.Identify(jpeg).Orientation);
        var png = PngEncoder.Encode(ImageDecoder.Decode(C.Bytes("rgb8.png")));
        Assert.Equal(-1, png.AsSpan().IndexOf("tEXt"u8));
        Assert.Equal(-1, png.AsSpan().IndexOf("eXIf"u8));
    }

    internal static void AssertVipsDecodes(string file)
    {
        // "vips avg" decodes every pixel, so it fails on any entropy or zlib error.
        var avg = System.Text.Encoding.ASCII.GetString(ExternalTools.Run(ExternalTools.Vips, ["avg", file])).Trim();
        Assert.True(double.TryParse(avg, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _), avg);
        ExternalTools.Run(ExternalTools.Vips, ["copy", file, Path.ChangeExtension(file, ".v")]);
    }
}
