using System.Globalization;
using NetVips;

namespace Hit.Thumbnail;

/// <summary>
/// <c>thumbnail &lt;inputs…&gt; --size N|WxH (-o OUT | --out-dir DIR) [--mode fit|cover|exact]
/// [--format jpeg|png|webp] [--quality Q] [--jobs N] [--quiet]</c>, on libvips (NetVips): one open per input
/// (shrink-on-load to the largest size asked for), EXIF orientation applied, sRGB, no metadata in the outputs. Kept
/// free of Console so the main CLI can mount it as <c>./hit thumbnail</c>. Exit codes: 0 all done, 1 some inputs
/// failed, 2 usage, 130 cancelled.
/// </summary>
public static class ThumbnailCommand
{
    public const int Success = 0;
    public const int SomeFailed = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;

    private const int DefaultQuality = 85;

    public const string Usage =
        "usage: thumbnail <inputs…> --size N|WxH [--size …] (-o OUT | --out-dir DIR)\n" +
        "                 [--mode fit|cover|exact] [--format jpeg|png|webp] [--quality 1-100] [--jobs N] [--quiet]\n" +
        "  -o OUT          one input and one size: write the thumbnail to OUT\n" +
        "  --out-dir DIR   write DIR/<name>.<jpg|png|webp> (or <name>-<size>.<ext> for several sizes)\n" +
        "  --format        default: png for inputs with alpha, jpeg otherwise\n" +
        "  --jobs N        process N inputs in parallel (default 1)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!TryParse(args, out var parsed, out string? problem))
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }

        if (parsed.Help)
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return Success;
        }

        if (parsed.OutDir is not null)
        {
            Directory.CreateDirectory(parsed.OutDir);
        }

        int failures = 0;
        var gate = new object();
        try
        {
            await RunAllAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return Cancelled;
        }

        return failures == 0 ? Success : SomeFailed;

        Task RunAllAsync() => Parallel.ForEachAsync(
            parsed.Inputs,
            new ParallelOptions { MaxDegreeOfParallelism = parsed.Jobs, CancellationToken = cancellationToken },
            async (input, ct) =>
            {
                string message;
                bool ok;
                try
                {
                    message = await ProcessAsync(input, parsed, ct).ConfigureAwait(false);
                    ok = true;
                }
                catch (Exception ex) when (ex is VipsException or IOException or UnauthorizedAccessException)
                {
                    message = $"{input}: {Reason(ex)}";
                    ok = false;
                }

                lock (gate)
                {
                    if (!ok)
                    {
                        failures++;
                        error.WriteLine(message);
                    }
                    else if (!parsed.Quiet)
                    {
                        output.WriteLine(message);
                    }
                }
            });
    }

    private static async Task<string> ProcessAsync(string input, Arguments args, CancellationToken cancellationToken)
    {
        var data = await File.ReadAllBytesAsync(input, cancellationToken).ConfigureAwait(false);
        var thumbnails = Make(data, args.Options, cancellationToken, out var source);
        var parts = new List<string>(thumbnails.Count);
        foreach (var thumb in thumbnails)
        {
            string path = args.Output ?? Path.Combine(
                args.OutDir!,
                Path.GetFileNameWithoutExtension(input)
                    + (args.Options.Sizes.Count > 1 ? "-" + thumb.Requested : string.Empty)
                    + "." + thumb.Extension);

            // Write to a temporary name first so a cancelled or failed run leaves no partial file.
            string temp = path + ".tmp";
            await File.WriteAllBytesAsync(temp, thumb.Data, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{path} {thumb.Width}x{thumb.Height}"));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{input} ({source}) -> {string.Join(", ", parts)}");
    }

    /// <summary>
    /// One open: the header gives the displayed size, one <c>thumbnail</c> call decodes (shrinking on load) to the
    /// smallest image every size can be cut from, and each size is resized from those pixels in memory.
    /// </summary>
    private static List<Made> Make(byte[] data, Options options, CancellationToken cancellationToken, out string source)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int width, height;
        using (var header = Image.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning))
        {
            (width, height) = (header.Width, header.PageHeight);
            if (header.Contains("orientation") && header.Get("orientation") is int orientation && orientation is >= 5 and <= 8)
            {
                (width, height) = (height, width);
            }

            var loader = header.Contains("vips-loader") ? header.Get("vips-loader") as string : null;
            source = string.Create(CultureInfo.InvariantCulture, $"{(loader?.IndexOf("load", StringComparison.Ordinal) is > 0 and var at ? loader[..at] : "image")} {width}x{height}");
        }

        var scale = 0.0;
        foreach (var size in options.Sizes)
        {
            var (sx, sy) = ((double)size.Width / width, (double)size.Height / height);
            scale = Math.Max(scale, options.Mode == Mode.Fit ? Math.Min(sx, sy) : Math.Max(sx, sy));
        }

        scale = Math.Min(1.0, scale);
        using var decoded = Image.ThumbnailBuffer(data, Math.Max(1, (int)Math.Ceiling(width * scale)), height: Math.Max(1, (int)Math.Ceiling(height * scale)),
            size: Enums.Size.Down, optionString: "fail_on=warning");
        using var srgb = decoded.Interpretation == Enums.Interpretation.Srgb && decoded.Format == Enums.BandFormat.Uchar
            ? decoded.Copy()
            : decoded.Colourspace(Enums.Interpretation.Srgb).Cast(Enums.BandFormat.Uchar);
        srgb.SetProgress(NoProgress.Instance, cancellationToken);
        using var pixels = srgb.CopyMemory();
        var made = new List<Made>(options.Sizes.Count);
        foreach (var size in options.Sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var resized = options.Mode switch
            {
                Mode.Cover => pixels.ThumbnailImage(Math.Min(size.Width, width), height: Math.Min(size.Height, height), size: Enums.Size.Both, crop: Enums.Interesting.Centre),
                Mode.Exact => pixels.ThumbnailImage(size.Width, height: size.Height, size: Enums.Size.Force),
                _ => pixels.ThumbnailImage(size.Width, height: size.Height, size: Enums.Size.Down),
            };
            var format = options.Format == Format.Auto ? (resized.HasAlpha() ? Format.Png : Format.Jpeg) : options.Format;
            var (bytes, extension) = format switch
            {
                Format.Png => (resized.PngsaveBuffer(keep: Enums.ForeignKeep.None), "png"),
                Format.Webp => (resized.WebpsaveBuffer(q: options.Quality, keep: Enums.ForeignKeep.None), "webp"),
                _ => (Flattened(resized).JpegsaveBuffer(q: options.Quality, optimizeCoding: true, keep: Enums.ForeignKeep.None), "jpg"),
            };
            made.Add(new Made(size, resized.Width, resized.Height, extension, bytes));
        }

        return made;
    }

    /// <summary>libvips' message without the "unable to call …" preamble; a short file says it is truncated.</summary>
    private static string Reason(Exception ex)
    {
        var lines = ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = string.Join("; ", lines.Where(l => !l.StartsWith("unable to call", StringComparison.Ordinal)));
        return ex is VipsException && (text.Contains("premature end", StringComparison.OrdinalIgnoreCase) || text.Contains("truncated", StringComparison.OrdinalIgnoreCase))
            ? "truncated image: " + text
            : text;
    }

    /// <summary>JPEG has no alpha: an explicit <c>--format jpeg</c> of a transparent source is put on white.</summary>
    private static Image Flattened(Image image) => image.HasAlpha() ? image.Flatten(background: [255, 255, 255]) : image;

    private enum Mode
    {
        Fit,
        Cover,
        Exact,
    }

    private enum Format
    {
        Auto,
        Jpeg,
        Png,
        Webp,
    }

    private readonly record struct Size(int Width, int Height)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
    }

    private sealed record Options(IReadOnlyList<Size> Sizes, Mode Mode, Format Format, int Quality);

    private sealed record Made(Size Requested, int Width, int Height, string Extension, byte[] Data);

    /// <summary>libvips' progress signal is only wanted for its kill check (cancellation).</summary>
    private sealed class NoProgress : IProgress<int>
    {
        public static readonly NoProgress Instance = new();

        public void Report(int value)
        {
        }
    }

    private sealed record Arguments(IReadOnlyList<string> Inputs, Options Options, string? Output, string? OutDir, int Jobs, bool Quiet, bool Help);

    private static bool TryParse(string[] args, out Arguments parsed, out string? problem)
    {
        parsed = new Arguments([], new Options([], Mode.Fit, Format.Auto, DefaultQuality), null, null, 1, false, false);
        var inputs = new List<string>();
        var sizes = new List<Size>();
        string? output = null;
        string? outDir = null;
        var mode = Mode.Fit;
        var format = Format.Auto;
        int quality = DefaultQuality;
        int jobs = 1;
        bool quiet = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help")
            {
                parsed = parsed with { Help = true };
                problem = null;
                return true;
            }

            if (a.StartsWith('-') && a.Length > 1 && a != "--quiet" && i + 1 >= args.Length)
            {
                problem = $"missing value for {a}";
                return false;
            }

            switch (a)
            {
                case "--size":
                    if (!TryParseSize(args[++i], out var size))
                    {
                        problem = $"invalid size '{args[i]}' (expected N or WxH)";
                        return false;
                    }

                    sizes.Add(size);
                    break;
                case "-o":
                case "--output":
                    output = args[++i];
                    break;
                case "--out-dir":
                    outDir = args[++i];
                    break;
                case "--mode":
                    if (!Enum.TryParse(args[++i], ignoreCase: true, out mode) || !Enum.IsDefined(mode))
                    {
                        problem = $"invalid mode '{args[i]}' (fit, cover or exact)";
                        return false;
                    }

                    break;
                case "--format":
                    string f = args[++i].ToLowerInvariant();
                    if (f is "jpeg" or "jpg")
                    {
                        format = Format.Jpeg;
                    }
                    else if (f == "png")
                    {
                        format = Format.Png;
                    }
                    else if (f == "webp")
                    {
                        format = Format.Webp;
                    }
                    else
                    {
                        problem = $"invalid format '{args[i]}' (jpeg, png or webp)";
                        return false;
                    }

                    break;
                case "--quality":
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100)
                    {
                        problem = $"invalid quality '{args[i]}' (1–100)";
                        return false;
                    }

                    break;
                case "--jobs":
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out jobs) || jobs < 1)
                    {
                        problem = $"invalid job count '{args[i]}'";
                        return false;
                    }

                    break;
                case "--quiet":
                    quiet = true;
                    break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal) || (a.StartsWith('-') && a.Length > 1))
                    {
                        problem = $"unknown option '{a}'";
                        return false;
                    }

                    inputs.Add(a);
                    break;
            }
        }

        problem = (inputs, sizes, output, outDir) switch
        {
            ({ Count: 0 }, _, _, _) => "no input files",
            (_, { Count: 0 }, _, _) => "--size is required",
            (_, _, null, null) => "one of -o or --out-dir is required",
            (_, _, not null, not null) => "-o and --out-dir are mutually exclusive",
            (_, _, not null, _) when inputs.Count > 1 || sizes.Count > 1 => "-o takes exactly one input and one size; use --out-dir",
            _ => null,
        };
        if (problem is not null)
        {
            return false;
        }

        var options = new Options(sizes, mode, format, quality);
        parsed = new Arguments(inputs, options, output, outDir, jobs, quiet, false);
        return true;
    }

    private static bool TryParseSize(string text, out Size size)
    {
        size = default;
        var parts = text.Split('x', 'X');
        if (parts.Length is < 1 or > 2)
        {
            return false;
        }

        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w < 1 || w > 16384)
        {
            return false;
        }

        int h = w;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out h) || h < 1 || h > 16384))
        {
            return false;
        }

        size = new Size(w, h);
        return true;
    }
}
