using System.Globalization;
using System.Text;

namespace Hit.Files.Uploads;

/// <summary>
/// Turns a client-supplied file name into one that is safe as the last segment of a blob name, in a
/// Content-Disposition header and on any file system: the directory part is dropped (<c>../../etc/passwd</c> →
/// <c>passwd</c>), control and reserved characters become <c>_</c>, and the result is never empty, <c>.</c> or <c>..</c>.
/// </summary>
internal static class SafeFileName
{
    public const int MaxLength = 200;
    public const string Fallback = "file";

    private static readonly string[] WindowsDeviceNames =
        ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"];

    public static string From(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return Fallback;
        }

        // The last path segment under either separator: browsers on Windows used to send the full client path.
        var name = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..];
        name = name.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var unsafeChar = category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || (rune.IsAscii && "<>:\"|?*#%{}^~[]`;".Contains((char)rune.Value, StringComparison.Ordinal));
            builder.Append(unsafeChar ? "_" : rune.ToString());
        }

        // Leading/trailing dots and spaces: hidden files, and names Windows silently rewrites.
        var safe = builder.ToString().Trim().Trim('.').Trim();
        if (safe.Length == 0 || safe.All(c => c == '_'))
        {
            return Fallback;
        }

        var stem = Path.GetFileNameWithoutExtension(safe);
        if (WindowsDeviceNames.Contains(stem, StringComparer.OrdinalIgnoreCase))
        {
            safe = "_" + safe;
        }

        return Truncate(safe);
    }

    /// <summary>Keeps the extension when shortening, without splitting a surrogate pair.</summary>
    private static string Truncate(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var extension = Path.GetExtension(name);
        if (extension.Length > 16)
        {
            extension = "";
        }

        var keep = MaxLength - extension.Length;
        if (char.IsHighSurrogate(name[keep - 1]))
        {
            keep--;
        }

        return name[..keep] + extension;
    }
}
