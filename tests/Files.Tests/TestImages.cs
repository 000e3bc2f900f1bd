using Hit.Imaging;
using Hit.Imaging.Formats.Jpeg;
using Hit.Imaging.Formats.Png;

namespace Hit.Files.Tests;

/// <summary>Test inputs made with Hit.Imaging's encoders: real, decodable files of a known size.</summary>
internal static class TestImages
{
    public static byte[] Jpeg(int width, int height, int seed = 0) => JpegEncoder.Encode(Gradient(width, height, seed));

    public static byte[] Png(int width, int height, int seed = 0) => PngEncoder.Encode(Gradient(width, height, seed));

    /// <summary>A JPEG cut off half-way: the header parses, the scan data ends early.</summary>
    public static byte[] TruncatedJpeg(int width = 640, int height = 480)
    {
        var whole = Jpeg(width, height);
        var cut = whole[..(whole.Length / 2)];
        // Garbage instead of the rest, so no decoder can recover the image by padding.
        return [.. cut, .. Enumerable.Repeat((byte)0xFF, 16), 0xD9];
    }

    public const string Svg = """<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>""";

    private static PixelBuffer Gradient(int width, int height, int seed)
    {
        var image = new PixelBuffer(width, height, PixelFormat.Rgb24);
        for (var y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (var x = 0; x < width; x++)
            {
                row[x * 3] = (byte)((x * 255 / Math.Max(1, width - 1)) ^ seed);
                row[(x * 3) + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                row[(x * 3) + 2] = (byte)((x + y + seed) & 0xFF);
            }
        }

        return image;
    }
}
