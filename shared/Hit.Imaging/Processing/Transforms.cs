namespace Hit.Imaging.Processing;

/// <summary>Pixel-exact geometric and colour transforms used by the thumbnail pipeline.</summary>
public static class Transforms
{
    /// <summary>
    /// Applies an EXIF orientation (1–8) so the result displays upright: 2 mirror, 3 rotate 180°,
    /// 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
    /// </summary>
    public static PixelBuffer ApplyOrientation(PixelBuffer source, int orientation)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (orientation is < 2 or > 8)
        {
            return source;
        }

        int w = source.Width;
        int h = source.Height;
        bool swap = orientation >= 5;
        int dw = swap ? h : w;
        int dh = swap ? w : h;
        int c = source.Channels;
        var result = new PixelBuffer(dw, dh, source.Format);
        var src = source.Pixels;
        var dst = result.Pixels;
        for (int dy = 0; dy < dh; dy++)
        {
            int o = dy * dw * c;
            for (int dx = 0; dx < dw; dx++, o += c)
            {
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - dx, dy),
                    3 => (w - 1 - dx, h - 1 - dy),
                    4 => (dx, h - 1 - dy),
                    5 => (dy, dx),
                    6 => (dy, h - 1 - dx),
                    7 => (w - 1 - dy, h - 1 - dx),
                    _ => (w - 1 - dy, dx),
                };
                int s = ((sy * w) + sx) * c;
                for (int i = 0; i < c; i++)
                {
                    dst[o + i] = src[s + i];
                }
            }
        }

        return result;
    }

    /// <summary>Composites RGBA over an opaque background colour, for formats without alpha.</summary>
    public static PixelBuffer Flatten(PixelBuffer source, byte red = 255, byte green = 255, byte blue = 255)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.HasAlpha)
        {
            return source;
        }

        var result = new PixelBuffer(source.Width, source.Height, PixelFormat.Rgb24);
        var src = source.Pixels;
        var dst = result.Pixels;
        int n = source.Width * source.Height;
        for (int i = 0; i < n; i++)
        {
            int a = src[(i * 4) + 3];
            int ia = 255 - a;
            dst[i * 3] = (byte)(((src[i * 4] * a) + (red * ia) + 127) / 255);
            dst[(i * 3) + 1] = (byte)(((src[(i * 4) + 1] * a) + (green * ia) + 127) / 255);
            dst[(i * 3) + 2] = (byte)(((src[(i * 4) + 2] * a) + (blue * ia) + 127) / 255);
        }

        return result;
    }
}
