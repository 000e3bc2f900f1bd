namespace Hit.Imaging;

/// <summary>Layout of decoded pixels: 8 bits per sample, interleaved, rows packed without padding.</summary>
public enum PixelFormat
{
    Gray8 = 1,
    Rgb24 = 3,
    Rgba32 = 4,
}

/// <summary>
/// A decoded image: 8-bit interleaved samples, straight (not premultiplied) alpha, top-down rows.
/// </summary>
public sealed class PixelBuffer
{
    public PixelBuffer(int width, int height, PixelFormat format)
        : this(width, height, format, new byte[checked(width * height * (int)format)])
    {
    }

    public PixelBuffer(int width, int height, PixelFormat format, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length < (long)width * height * (int)format)
        {
            throw new ArgumentException("Pixel array is smaller than width × height × channels.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Format = format;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    public int Channels => (int)Format;

    public int Stride => Width * (int)Format;

    public bool HasAlpha => Format == PixelFormat.Rgba32;

    /// <summary>The samples, <see cref="Stride"/> bytes per row.</summary>
#pragma warning disable CA1819 // Codecs and tests work on the raw array; copying it would defeat the purpose.
    public byte[] Pixels { get; }
#pragma warning restore CA1819

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>Returns the pixels as RGBA (alpha 255 when the source has none); used by comparisons and encoders.</summary>
    public byte[] ToRgba()
    {
        var result = new byte[Width * Height * 4];
        var src = Pixels;
        int n = Width * Height;
        switch (Format)
        {
            case PixelFormat.Rgba32:
                src.AsSpan(0, n * 4).CopyTo(result);
                break;
            case PixelFormat.Rgb24:
                for (int i = 0; i < n; i++)
                {
                    result[i * 4] = src[i * 3];
                    result[(i * 4) + 1] = src[(i * 3) + 1];
                    result[(i * 4) + 2] = src[(i * 3) + 2];
                    result[(i * 4) + 3] = 255;
                }

                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    byte g = src[i];
                    result[i * 4] = g;
                    result[(i * 4) + 1] = g;
                    result[(i * 4) + 2] = g;
                    result[(i * 4) + 3] = 255;
                }

                break;
        }

        return result;
    }
}
