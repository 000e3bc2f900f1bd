using Hit.Imaging.Formats.Bmp;
using Hit.Imaging.Formats.Gif;
using Hit.Imaging.Formats.Jpeg;
using Hit.Imaging.Formats.Png;

namespace Hit.Imaging;

/// <summary>What the header says, read without decoding pixels.</summary>
/// <param name="Width">Stored width (before EXIF orientation).</param>
/// <param name="Height">Stored height (before EXIF orientation).</param>
/// <param name="Orientation">EXIF orientation 1–8 (1 when absent).</param>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height, int Orientation)
{
    /// <summary>Width as displayed, after orientation.</summary>
    public int DisplayWidth => Orientation >= 5 ? Height : Width;

    /// <summary>Height as displayed, after orientation.</summary>
    public int DisplayHeight => Orientation >= 5 ? Width : Height;
}

/// <summary>Entry point for decoding any supported format, detected from magic bytes.</summary>
public static class ImageDecoder
{
    public static ImageInfo Identify(byte[] data, ImagingLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        limits ??= ImagingLimits.Default;
        limits.CheckInputLength(data.Length);
        switch (ImageFormatDetector.Detect(data))
        {
            case ImageFormat.Jpeg:
                var j = JpegDecoder.Identify(data, limits);
                return new ImageInfo(ImageFormat.Jpeg, j.Width, j.Height, j.Orientation);
            case ImageFormat.Png:
                var p = PngDecoder.Identify(data, limits);
                return new ImageInfo(ImageFormat.Png, p.Width, p.Height, 1);
            case ImageFormat.Gif:
                var (gw, gh) = GifDecoder.Identify(data, limits);
                return new ImageInfo(ImageFormat.Gif, gw, gh, 1);
            case ImageFormat.Bmp:
                var (bw, bh) = BmpDecoder.Identify(data, limits);
                return new ImageInfo(ImageFormat.Bmp, bw, bh, 1);
            default:
                throw new ImageFormatException(ImageErrorReason.UnknownFormat, "unrecognised image format (magic bytes match no supported format)");
        }
    }

    /// <summary>
    /// Decodes the image. For JPEG, <paramref name="jpegScaleDenominator"/> (1, 2, 4, 8) decodes at
    /// reduced size in the DCT domain; other formats ignore it. EXIF orientation is applied when
    /// <paramref name="applyOrientation"/> is true.
    /// </summary>
    public static PixelBuffer Decode(
        byte[] data,
        ImagingLimits? limits = null,
        int jpegScaleDenominator = 1,
        bool applyOrientation = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        limits ??= ImagingLimits.Default;
        limits.CheckInputLength(data.Length);
        switch (ImageFormatDetector.Detect(data))
        {
            case ImageFormat.Jpeg:
                var image = JpegDecoder.Decode(data, jpegScaleDenominator, limits, cancellationToken, out var info);
                return applyOrientation ? Processing.Transforms.ApplyOrientation(image, info.Orientation) : image;
            case ImageFormat.Png:
                return PngDecoder.Decode(data, limits, cancellationToken);
            case ImageFormat.Gif:
                return GifDecoder.Decode(data, limits, cancellationToken);
            case ImageFormat.Bmp:
                return BmpDecoder.Decode(data, limits, cancellationToken);
            default:
                throw new ImageFormatException(ImageErrorReason.UnknownFormat, "unrecognised image format (magic bytes match no supported format)");
        }
    }
}
