using NetVips;

namespace Hit.Files.Tests;

/// <summary>Test inputs encoded with libvips (NetVips): real, decodable files of a known size.</summary>
internal static class TestImages
{
    public static byte[] Jpeg(int width, int height, int seed = 0)
    {
        using var image = Gradient(width, height, seed);
        return image.JpegsaveBuffer(q: 90);
    }

    public static byte[] Png(int width, int height, int seed = 0)
    {
        using var image = Gradient(width, height, seed);
        return image.PngsaveBuffer();
    }

    /// <summary>A JPEG cut off half-way: the header parses, the scan data ends early.</summary>
    public static byte[] TruncatedJpeg(int width = 640, int height = 480)
    {
        var whole = Jpeg(width, height);
        var cut = whole[..(whole.Length / 2)];
        // Garbage instead of the rest, so no decoder can recover the image by padding.
        return [.. cut, .. Enumerable.Repeat((byte)0xFF, 16), 0xD9];
    }

    /// <summary>Width and height of an encoded image, from its header.</summary>
    public static (int Width, int Height) Dimensions(byte[] encoded)
    {
        using var image = Image.NewFromBuffer(encoded);
        return (image.Width, image.Height);
    }

    public const string Svg = """<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>""";

    private static Image Gradient(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                rgb[i] = (byte)((x * 255 / Math.Max(1, width - 1)) ^ seed);
                rgb[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                rgb[i + 2] = (byte)((x + y + seed) & 0xFF);
            }
        }

        return Image.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
    }
}
