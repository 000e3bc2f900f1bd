using System.Globalization;
using Hit.Imaging;
using Hit.Imaging.Thumbnails;

namespace Hit.Thumbnail;

/// <summary>
/// <c>thumbnail &lt;inputs…&gt; --size N|WxH (-o OUT | --out-dir DIR) [--mode fit|cover|exact]
/// [--format jpeg|png] [--quality Q] [--jobs N] [--quiet]</c>. Kept free of Console so the main
/// CLI can mount it as <c>./hit thumbnail</c>. Exit codes: 0 all done, 1 some inputs failed, 2 usage, 130 cancelled.
/// </summary>
public static class ThumbnailCommand
{
    public const int Success = 0;
    public const int SomeFailed = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;

    public const string Usage =
        "usage: thumbnail <inputs…> --size N|WxH [--size …] (-o OUT | --out-dir DIR)\n" +
        "                 [--mode fit|cover|exact] [--format jpeg|png] [--quality 1-100] [--jobs N] [--quiet]\n" +
        "  -o OUT          one input and one size: write the thumbnail to OUT\n" +
        "  --out-dir DIR   write DIR/<name>.<jpg|png> (or <name>-<size>.<ext> for several sizes)\n" +
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
                catch (Exception ex) when (ex is ImageFormatException or IOException or UnauthorizedAccessException)
                {
                    message = $"{input}: {ex.Message}";
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
        var result = Thumbnailer.Generate(data, args.Options, cancellationToken);
        var parts = new List<string>(result.Thumbnails.Count);
        foreach (var thumb in result.Thumbnails)
        {
            string path = args.Output ?? Path.Combine(
                args.OutDir!,
                Path.GetFileNameWithoutExtension(input)
                    + (args.Options.Sizes.Count > 1 ? "-" + thumb.Requested : string.Empty)
                    + (thumb.Format == ImageFormat.Png ? ".png" : ".jpg"));

            // Write to a temporary name first so a cancelled or failed run leaves no partial file.
            string temp = path + ".tmp";
            await File.WriteAllBytesAsync(temp, thumb.Data.ToArray(), cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{path} {thumb.Width}x{thumb.Height}"));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{input} ({result.SourceFormat} {result.SourceWidth}x{result.SourceHeight}) -> {string.Join(", ", parts)}");
    }

    private sealed record Arguments(IReadOnlyList<string> Inputs, ThumbnailOptions Options, string? Output, string? OutDir, int Jobs, bool Quiet, bool Help);

    private static bool TryParse(string[] args, out Arguments parsed, out string? problem)
    {
        parsed = new Arguments([], ThumbnailOptions.Default, null, null, 1, false, false);
        var inputs = new List<string>();
        var sizes = new List<ThumbnailSize>();
        string? output = null;
        string? outDir = null;
        var mode = ThumbnailMode.Fit;
        var format = ThumbnailFormat.Auto;
        int quality = ThumbnailOptions.Default.Quality;
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
                        format = ThumbnailFormat.Jpeg;
                    }
                    else if (f == "png")
                    {
                        format = ThumbnailFormat.Png;
                    }
                    else
                    {
                        problem = $"invalid format '{args[i]}' (jpeg or png)";
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

        var options = new ThumbnailOptions { Sizes = sizes, Mode = mode, Format = format, Quality = quality };
        parsed = new Arguments(inputs, options, output, outDir, jobs, quiet, false);
        return true;
    }

    private static bool TryParseSize(string text, out ThumbnailSize size)
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

        size = new ThumbnailSize(w, h);
        return true;
    }
}
