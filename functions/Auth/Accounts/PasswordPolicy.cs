using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hit.Auth.Accounts;

/// <summary>8–256 characters (counted as user-perceived characters) and not on the common-password list.</summary>
internal static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    private static readonly FrozenSet<string> Common = LoadCommon();

    public static bool IsAcceptable([NotNullWhen(true)] string? password, string? normalizedEmail, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(password))
        {
            error = "Password is required.";
            return false;
        }

        // Bound the work before counting text elements (an attacker may send megabytes).
        var length = password.Length > MaxLength * 4 ? int.MaxValue : new StringInfo(password).LengthInTextElements;
        if (length < MinLength || length > MaxLength)
        {
            error = $"Password must be between {MinLength} and {MaxLength} characters.";
            return false;
        }

        if (Common.Contains(password.ToLowerInvariant()) || (normalizedEmail is not null && string.Equals(password, normalizedEmail, StringComparison.OrdinalIgnoreCase)))
        {
            error = "Password is too common; choose another.";
            return false;
        }

        error = null;
        return true;
    }

    private static FrozenSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                words.Add(line.Trim().ToLowerInvariant());
            }
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
