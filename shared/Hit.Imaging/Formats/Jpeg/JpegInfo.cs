namespace Hit.Imaging.Formats.Jpeg;

internal enum JpegColorSpace
{
    Gray,
    YCbCr,
    Rgb,
    Cmyk,
    Ycck,
}

internal sealed record JpegInfo(int Width, int Height, int ComponentCount, bool Progressive, int Orientation, JpegColorSpace ColorSpace);
