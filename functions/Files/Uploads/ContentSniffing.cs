using System.Text;

namespace Hit.Files.Uploads;

/// <summary>
/// Decides a file's type from its first bytes, because a client's Content-Type is only a claim: a script renamed
/// <c>cat.jpg</c> must not be served or processed as an image. Signatures per the WHATWG MIME Sniffing standard
/// (§6, images/archives) plus SVG and UTF-8 text detection.
/// </summary>
internal static class ContentSniffing
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 4096;

    public const string OctetStream = "application/octet-stream";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Gif = "image/gif";
    public const string Bmp = "image/bmp";
    public const string Svg = "image/svg+xml";
    public const string Webp = "image/webp";
    public const string Avif = "image/avif";
    public const string Heic = "image/heic";
    public const string Tiff = "image/tiff";

    public static string Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (head.Length >= 18 && head.StartsWith("BM"u8) && BitConverter.ToUInt32(head[14..18]) is 12 or 40 or 52 or 56 or 64 or 108 or 124)
        {
            return Bmp;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return Webp;
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return Tiff;
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head[8..12]);
            return brand switch
            {
                "avif" or "avis" => Avif,
                "heic" or "heix" or "mif1" or "msf1" => Heic,
                "qt  " => "video/quicktime",
                _ => "video/mp4",
            };
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (head.StartsWith("PK\x03\x04"u8))
        {
            return "application/zip";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B, 0x08]))
        {
            return "application/gzip";
        }

        return SniffText(head);
    }

    /// <summary>
    /// Formats the thumbnail trigger decodes (the loaders libvips is allowed to use). Not among them: BMP (the bundled
    /// libvips reads it only through ImageMagick, which is neither bundled nor trusted) and HEIC (its libheif has no
    /// HEVC decoder; AVIF, the AV1 flavour of HEIF, is read).
    /// </summary>
    public static bool IsThumbnailable(string contentType) => contentType is Jpeg or Png or Gif or Webp or Avif or Tiff;

    /// <summary>Raster images are safe to show inline; anything else is served as an attachment (SVG and HTML can run script).</summary>
    public static bool IsSafeInline(string contentType) => contentType is Jpeg or Png or Gif or Bmp or Webp or Avif;

    private static string SniffText(ReadOnlySpan<byte> head)
    {
        var text = head;
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            text = text[3..];
        }

        // A truncated multi-byte character at the end of the window is not a reason to call it binary.
        var cut = text.Length == HeadLength ? Math.Max(0, text.Length - 4) : text.Length;
        if (text.IsEmpty || !System.Text.Unicode.Utf8.IsValid(text[..cut]) || text[..cut].IndexOfAnyInRange((byte)0, (byte)8) >= 0
            || text[..cut].IndexOfAnyInRange((byte)14, (byte)31) >= 0)
        {
            return text.IsEmpty ? "text/plain" : OctetStream;
        }

        var start = Encoding.UTF8.GetString(text[..cut]).TrimStart();
        if (start.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            || ((start.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<!DOCTYPE svg", StringComparison.OrdinalIgnoreCase)
                 || start.StartsWith("<!--", StringComparison.Ordinal))
                && start.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
        {
            return Svg;
        }

        if (start.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
        {
            return "text/html";
        }

        if (start.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase))
        {
            return "application/xml";
        }

        return start.StartsWith('{') || start.StartsWith('[') ? "application/json" : "text/plain";
    }
}
