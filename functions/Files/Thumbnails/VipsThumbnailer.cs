using System.Globalization;
using NetVips;

namespace Hit.Files.Thumbnails;

/// <summary>One thumbnail to make: a fitted box (aspect kept) or a square cover crop, never enlarged.</summary>
internal readonly record struct ThumbnailSpec(string Key, int Size, bool Cover);

/// <summary>An encoded thumbnail.</summary>
internal sealed record MadeThumbnail(string Key, int Width, int Height, string ContentType, string Extension, byte[] Data);

/// <summary>Why an input was refused: recorded on the file (status <c>failed</c>), never retried.</summary>
internal enum RefusalKind
{
    OverTheLimits,
    Truncated,
    Unreadable,
    TimedOut,
}

/// <summary>
/// The outcome of one image: thumbnails and the source's displayed size, or a refusal with its reason. Bad inputs are
/// expected (uploads are untrusted), so they are values, not exceptions.
/// </summary>
internal sealed record ThumbnailOutcome(int SourceWidth, int SourceHeight, IReadOnlyList<MadeThumbnail> Thumbnails, RefusalKind? Refusal, string? Reason)
{
    public static ThumbnailOutcome Refused(RefusalKind kind, string reason) => new(0, 0, [], kind, reason);
}

/// <summary>What to make and the limits to make it within.</summary>
internal sealed record ThumbnailJob(IReadOnlyList<ThumbnailSpec> Sizes, ThumbnailFormat Format, int Quality, long MaxInputBytes, long MaxPixels, TimeSpan Timeout);

/// <summary>
/// Thumbnails on libvips (NetVips, libvips bundled by <c>NetVips.Native.linux-x64</c>). One open per image: the
/// header is read first (loader allow-list, pixel limit), then one <c>thumbnail</c> call decodes with shrink-on-load
/// (JPEG DCT scaling, WebP/HEIF scaled decode) straight to the smallest size every requested thumbnail can be cut from,
/// applies the EXIF orientation and converts to sRGB; every size is resized from that in-memory image and encoded
/// without metadata.
/// </summary>
internal static class VipsThumbnailer
{
    /// <summary>
    /// Loaders an upload may reach, by libvips class (what <c>vips_foreign_find_load_buffer</c> names). libvips would
    /// also open SVG, MATLAB, FITS, CSV, raw <c>.vips</c> files …; each is attack surface a thumbnail does not need, so
    /// anything else is refused before decoding (the processor's content sniffing is the first gate, this the second).
    /// </summary>
    private static readonly HashSet<string> Loaders = new(StringComparer.Ordinal)
    {
        "VipsForeignLoadJpegBuffer",
        "VipsForeignLoadPngBuffer",
        "VipsForeignLoadWebpBuffer",
        "VipsForeignLoadNsgifBuffer",
        "VipsForeignLoadHeifBuffer", // AVIF and HEIC
        "VipsForeignLoadTiffBuffer",
    };

    /// <summary>Metadata dropped from the decoded pixels: the outputs carry none (privacy: EXIF GPS, camera serials).</summary>
    private static readonly string[] MetadataFields = ["icc-profile-data", "exif-data", "xmp-data", "iptc-data", "orientation"];

    private static readonly Lock ConfigureLock = new();
    private static bool configured;

    /// <summary>
    /// Process-wide libvips settings, applied once before the first image. The operation cache is off: every upload is
    /// a new image, so cached operations are never hit again and only hold memory (a function instance has little).
    /// Worker threads per image are bounded by <paramref name="concurrency"/>, so concurrent invocations share the
    /// cores instead of each starting one thread per core. Untrusted loaders (ImageMagick, MATLAB, FITS …) are blocked
    /// as a second line behind the allow-list.
    /// </summary>
    public static void Configure(int concurrency)
    {
        lock (ConfigureLock)
        {
            if (configured)
            {
                return;
            }

            Cache.Max = 0;
            Cache.MaxMem = 0;
            Cache.MaxFiles = 0;
            NetVips.NetVips.Concurrency = concurrency;
            NetVips.NetVips.BlockUntrusted = true;
            configured = true;
        }
    }

    /// <summary>Makes every size of <paramref name="job"/> from <paramref name="data"/>, or refuses it with a reason.</summary>
    public static ThumbnailOutcome Make(byte[] data, ThumbnailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(job);
        if (data.Length > job.MaxInputBytes)
        {
            return ThumbnailOutcome.Refused(RefusalKind.OverTheLimits, Invariant($"the image is {data.Length} bytes, over the limit of {job.MaxInputBytes}"));
        }

        var loader = Image.FindLoadBuffer(data);
        if (loader is null || !Loaders.Contains(loader))
        {
            return ThumbnailOutcome.Refused(RefusalKind.Unreadable, loader is null ? "not an image libvips reads" : $"{loader} is not an allowed loader");
        }

        // The timeout covers the decode and every encode: libvips checks the kill flag between tiles, so a pathological
        // input (a huge progressive scan, an endless LZW stream) stops within one tile of the deadline.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(job.Timeout);
        try
        {
            return MakeCore(data, job, deadline.Token);
        }
        catch (Exception ex) when (ex is VipsException or OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ThumbnailOutcome.Refused(RefusalKind.TimedOut, Invariant($"timed out after {job.Timeout.TotalSeconds:0.#} s"));
        }
        catch (VipsException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var message = Reason(ex.Message);
            var truncated = message.Contains("truncated", StringComparison.OrdinalIgnoreCase)
                || message.Contains("premature end", StringComparison.OrdinalIgnoreCase)
                || message.Contains("unexpected end", StringComparison.OrdinalIgnoreCase)
                || message.Contains("out of data", StringComparison.OrdinalIgnoreCase);
            return ThumbnailOutcome.Refused(truncated ? RefusalKind.Truncated : RefusalKind.Unreadable, message);
        }
    }

    private static ThumbnailOutcome MakeCore(byte[] data, ThumbnailJob job, CancellationToken cancellationToken)
    {
        // Header only (libvips loads lazily): the size is known before any pixel buffer exists.
        int width, height;
        using (var header = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning))
        {
            (width, height) = (header.Width, header.PageHeight);
            if ((long)width * height > job.MaxPixels)
            {
                return ThumbnailOutcome.Refused(RefusalKind.OverTheLimits, Invariant($"{width}x{height} pixels exceeds the limit of {job.MaxPixels}"));
            }

            // EXIF orientations 5–8 turn the picture a quarter: its displayed width is the stored height.
            if (header.Contains("orientation") && System.Convert.ToInt32(header.Get("orientation"), CultureInfo.InvariantCulture) is >= 5 and <= 8)
            {
                (width, height) = (height, width);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var (boxWidth, boxHeight) = Intermediate(width, height, job.Sizes);
        // Fail on decoder warnings too: libjpeg reports a scan that ends early as a warning and pads the rest with grey,
        // which would make a "ready" thumbnail of a broken upload. Passed in the loader's option string: thumbnail_buffer's
        // own fail_on does not reach the shrink-on-load reload (measured with libvips 8.18.7).
        using var decoded = Image.ThumbnailBuffer(data, boxWidth, height: boxHeight, size: Enums.Size.Down, optionString: "fail_on=warning");
        using var srgb = ToSrgb(decoded);
        using var pixels = Render(srgb, cancellationToken);

        var made = new List<MadeThumbnail>(job.Sizes.Count);
        foreach (var spec in job.Sizes)
        {
            made.Add(Encode(pixels, spec, width, height, job, cancellationToken));
        }

        return new ThumbnailOutcome(width, height, made, null, null);
    }

    /// <summary>
    /// The smallest box every requested thumbnail can be cut from without enlarging: the largest fitted box, and for a
    /// cover crop a short side of at least its size. Decoding straight to it lets JPEG and WebP shrink on load.
    /// </summary>
    internal static (int Width, int Height) Intermediate(int width, int height, IReadOnlyList<ThumbnailSpec> sizes)
    {
        var scale = 0.0;
        foreach (var spec in sizes)
        {
            scale = Math.Max(scale, spec.Cover ? (double)spec.Size / Math.Min(width, height) : (double)spec.Size / Math.Max(width, height));
        }

        scale = Math.Min(1.0, scale);
        return (Math.Clamp((int)Math.Ceiling(width * scale), 1, width), Math.Clamp((int)Math.Ceiling(height * scale), 1, height));
    }

    /// <summary>The size a fitted thumbnail gets: aspect kept, never enlarged, at least one pixel.</summary>
    internal static (int Width, int Height) Fitted(int width, int height, int box)
    {
        var scale = Math.Min(1.0, Math.Min((double)box / width, (double)box / height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>
    /// sRGB, 8 bits per band: <c>thumbnail</c> already converted images with an ICC profile (CMYK ones without get
    /// libvips' fallback CMYK profile); this handles what is left — grey, 16-bit, Lab — and drops the profile, which
    /// the output does not carry (browsers read untagged images as sRGB).
    /// </summary>
    private static Image ToSrgb(Image image)
    {
        var converted = image.Interpretation == Enums.Interpretation.Srgb && image.Format == Enums.BandFormat.Uchar
            ? image.Copy()
            : image.Colourspace(Enums.Interpretation.Srgb);
        if (converted.Format != Enums.BandFormat.Uchar)
        {
            using var wide = converted;
            converted = wide.Cast(Enums.BandFormat.Uchar);
        }

        return converted.Mutate(m =>
        {
            foreach (var field in MetadataFields)
            {
                if (m.Contains(field))
                {
                    m.Remove(field);
                }
            }
        });
    }

    /// <summary>Runs the decode into memory once, under the deadline, so every size is cut from the same pixels.</summary>
    private static Image Render(Image image, CancellationToken cancellationToken)
    {
        image.SetProgress(NoProgress.Instance, cancellationToken);
        var memory = image.CopyMemory();
        cancellationToken.ThrowIfCancellationRequested();
        return memory;
    }

    private static MadeThumbnail Encode(Image pixels, ThumbnailSpec spec, int sourceWidth, int sourceHeight, ThumbnailJob job, CancellationToken cancellationToken)
    {
        using var resized = spec.Cover
            ? pixels.ThumbnailImage(Math.Min(spec.Size, sourceWidth), height: Math.Min(spec.Size, sourceHeight), size: Enums.Size.Both, crop: Enums.Interesting.Centre)
            : FitTo(pixels, Fitted(sourceWidth, sourceHeight, spec.Size));
        resized.SetProgress(NoProgress.Instance, cancellationToken);
        byte[] bytes;
        string type, extension;
        if (job.Format == ThumbnailFormat.Webp)
        {
            bytes = resized.WebpsaveBuffer(q: job.Quality, keep: Enums.ForeignKeep.None);
            (type, extension) = ("image/webp", "webp");
        }
        else if (resized.HasAlpha())
        {
            // JPEG has no transparency: a source with alpha keeps it as PNG (as before), rather than on a made-up background.
            bytes = resized.PngsaveBuffer(compression: 6, keep: Enums.ForeignKeep.None);
            (type, extension) = ("image/png", "png");
        }
        else
        {
            bytes = resized.JpegsaveBuffer(q: job.Quality, optimizeCoding: true, keep: Enums.ForeignKeep.None);
            (type, extension) = ("image/jpeg", "jpg");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new MadeThumbnail(spec.Key, resized.Width, resized.Height, type, extension, bytes);
    }

    /// <summary>Exactly the fitted size computed from the source, whatever rounding the intermediate image had.</summary>
    private static Image FitTo(Image pixels, (int Width, int Height) target) =>
        pixels.Width == target.Width && pixels.Height == target.Height
            ? pixels.Copy()
            : pixels.ThumbnailImage(target.Width, height: target.Height, size: Enums.Size.Force);

    /// <summary>libvips' error log without its "unable to …" preamble lines, de-duplicated, at most 300 characters.</summary>
    private static string Reason(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("unable to ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var text = lines.Count == 0 ? message.Trim() : string.Join("; ", lines);
        return text.Length <= 300 ? text : text[..300];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>libvips' progress signal is only needed for its kill check; nothing reports the percentage.</summary>
    private sealed class NoProgress : IProgress<int>
    {
        public static readonly NoProgress Instance = new();

        public void Report(int value)
        {
        }
    }
}

/// <summary>Thumbnail encoding (<c>Files:Thumbnails:Format</c>).</summary>
internal enum ThumbnailFormat
{
    /// <summary>JPEG; sources with transparency get PNG thumbnails.</summary>
    Jpeg,

    /// <summary>WebP (lossy, alpha kept): smaller files for the same quality, read by every current browser.</summary>
    Webp,
}
