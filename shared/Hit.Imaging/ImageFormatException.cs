namespace Hit.Imaging;

/// <summary>
/// The input is not a supported image, is truncated or corrupt, or exceeds the configured limits.
/// <see cref="Exception.Message"/> names the reason; <see cref="Reason"/> classifies it for callers.
/// </summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException()
    {
    }

    public ImageFormatException(string message)
        : base(message)
    {
    }

    public ImageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImageFormatException(ImageErrorReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public ImageErrorReason Reason { get; }
}

/// <summary>Why an image was rejected.</summary>
public enum ImageErrorReason
{
    Corrupt = 0,
    Truncated,
    UnknownFormat,
    Unsupported,
    LimitExceeded,
}

/// <summary>Throw helpers kept out of hot methods so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Corrupt(string message) => throw new ImageFormatException(ImageErrorReason.Corrupt, message);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Truncated(string message) => throw new ImageFormatException(ImageErrorReason.Truncated, message);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Unsupported(string message) => throw new ImageFormatException(ImageErrorReason.Unsupported, message);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Limit(string message) => throw new ImageFormatException(ImageErrorReason.LimitExceeded, message);
}
