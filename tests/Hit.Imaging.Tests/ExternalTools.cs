using System.Diagnostics;

namespace Hit.Imaging.Tests;

/// <summary>Runs ImageMagick (/usr/bin/convert, never the stand-in in /usr/local/bin) and libvips as references.</summary>
internal static class ExternalTools
{
    public const string Convert = "/usr/bin/convert";
    public const string Vips = "/usr/bin/vips";

    public static byte[] Run(string tool, IEnumerable<string> args, byte[]? stdin = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }

        using var output = new MemoryStream();
        var errTask = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(output);
        p.WaitForExit();
        string err = errTask.GetAwaiter().GetResult();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', psi.ArgumentList)} failed ({p.ExitCode}): {err}");
        }

        return output.ToArray();
    }

    /// <summary>
    /// ImageMagick's RGBA decode of a file, fetched at 16 bits and rounded to 8 (round(v/257)).
    /// IM's own "-depth 8" truncates 16-bit samples; rounding is the correct reduction and is what our
    /// decoder does, and for 8-bit sources the 16-bit values are exact multiples of 257 anyway.
    /// </summary>
    public static byte[] MagickRgba(string file, params string[] operators) => MagickRgba([], file, operators);

    /// <summary>As <see cref="MagickRgba(string, string[])"/> with read options (e.g. -define jpeg:size) before the file.</summary>
    public static byte[] MagickRgba(string[] readOptions, string file, params string[] operators)
    {
        var raw = Run(Convert, [.. readOptions, file, .. operators, "-depth", "16", "-endian", "LSB", "rgba:-"]);
        var result = new byte[raw.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            int v = raw[2 * i] | (raw[(2 * i) + 1] << 8);
            result[i] = (byte)(((v * 255) + 32767) / 65535);
        }

        return result;
    }

    public static (int Width, int Height) MagickSize(string file, params string[] operators)
    {
        var text = System.Text.Encoding.ASCII.GetString(Run(Convert, [file, .. operators, "-format", "%w %h", "info:-"]));
        var parts = text.Trim().Split(' ');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
