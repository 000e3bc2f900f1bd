using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hit.Auth.Accounts;

/// <summary>
/// Emails are compared in one canonical form: trimmed, Unicode NFKC (full-width and composed forms fold
/// together), lower case, and the domain in its IDNA ASCII form. Two spellings of one address therefore cannot
/// create two accounts.
/// </summary>
internal static class EmailAddress
{
    public const int MaxLength = 254;
    private const int MaxLocalLength = 64;
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "Email is required.";
            return false;
        }

        if (input.Length > MaxLength * 2)
        {
            error = "Email is too long.";
            return false;
        }

        var value = input.Trim().Normalize(NormalizationForm.FormKC);
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            error = "Email must be a valid address.";
            return false;
        }

        var local = value[..at].ToLowerInvariant();
        string domain;
        try
        {
            domain = Idn.GetAscii(value[(at + 1)..]).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = "Email must be a valid address.";
            return false;
        }

        if (local.Length > MaxLocalLength || local.Contains('@', StringComparison.Ordinal) || !domain.Contains('.', StringComparison.Ordinal)
            || domain.StartsWith('.') || domain.EndsWith('.') || local.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or ',' or ';' or '\\'))
        {
            error = "Email must be a valid address.";
            return false;
        }

        normalized = local + "@" + domain;
        if (normalized.Length > MaxLength)
        {
            normalized = null;
            error = "Email is too long.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The key under which an account is stored: a hash, so ids stay short and keys carry no address.</summary>
    public static string Key(string normalizedEmail) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));
}
