using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Accounts;

/// <summary>
/// Argon2id parameters for new password hashes (section <c>Auth:Passwords</c>). The defaults are OWASP's first
/// recommendation (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1); any of its equivalent pairs
/// (46 MiB/1, 12 MiB/3, 9 MiB/4, 7 MiB/5) passes the start-up check too.
/// </summary>
internal sealed class PasswordHashingOptions
{
    public const string Section = "Auth:Passwords";

    /// <summary>Memory cost in KiB (Argon2 <c>m</c>).</summary>
    public int MemoryKiB { get; set; } = 19_456;

    /// <summary>Passes over the memory (Argon2 <c>t</c>).</summary>
    public int Iterations { get; set; } = 2;

    /// <summary>Lanes (Argon2 <c>p</c>).</summary>
    public int Parallelism { get; set; } = 1;
}

/// <summary>
/// Checked on start. Always: what Argon2 itself requires and bounds that keep one hash from exhausting the worker.
/// Outside the Development environment also OWASP's floor (m ≥ 7 MiB and m·t ≥ 35 MiB-passes, the cheapest of its
/// equivalent settings): the cheap parameters the test settings use (a hash per registration and per login would
/// otherwise dominate the suites' time) can never reach a deployed app.
/// </summary>
internal sealed class PasswordHashingOptionsValidator(IHostEnvironment environment) : IValidateOptions<PasswordHashingOptions>
{
    public const int OwaspMinMemoryKiB = 7_168;
    public const long OwaspMinCost = 35_840;

    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options)
    {
        var failures = new List<string>();
        if (options.Parallelism is < 1 or > 16)
        {
            failures.Add("Auth:Passwords:Parallelism must be 1–16.");
        }

        if (options.Iterations is < 1 or > 20)
        {
            failures.Add("Auth:Passwords:Iterations must be 1–20.");
        }

        if (options.MemoryKiB < 8 * Math.Max(1, options.Parallelism) || options.MemoryKiB > Passwords.MaxMemoryKiB)
        {
            failures.Add($"Auth:Passwords:MemoryKiB must be at least 8 × Parallelism and at most {Passwords.MaxMemoryKiB} (1 GiB).");
        }

        if (!environment.IsDevelopment() && (options.MemoryKiB < OwaspMinMemoryKiB || (long)options.MemoryKiB * options.Iterations < OwaspMinCost))
        {
            failures.Add($"Auth:Passwords: Argon2id below OWASP's minimum (MemoryKiB ≥ {OwaspMinMemoryKiB} and MemoryKiB × Iterations ≥ {OwaspMinCost}); "
                + "weaker parameters are for tests and only allowed in the Development environment.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Password hashes. New ones are Argon2id (Konscious.Security.Cryptography), stored as a PHC string
/// <c>$argon2id$v=19$m=…,t=…,p=…$&lt;salt&gt;$&lt;hash&gt;</c> (unpadded standard base64, 128-bit salt, 256-bit hash), so
/// each hash carries its own parameters. Hashes of older accounts — ASP.NET Core Identity's PasswordHasher v3
/// (PBKDF2-HMAC-SHA512, iterations in the hash) or v2 — still verify, as "rehash needed": the login that proves the
/// password stores an Argon2id hash instead. So does an Argon2id hash made with other parameters than configured now.
/// </summary>
internal sealed class Passwords
{
    public const int MaxMemoryKiB = 1 << 20;
    private const string Prefix = "$argon2id$";
    private const int Version = 0x13;
    private const int SaltSize = 16;
    private const int HashSize = 32;

    private readonly PasswordHashingOptions _options;
    private readonly PasswordHasher<object> _legacy = new();
    private readonly string _dummyHash;

    public Passwords(IOptions<PasswordHashingOptions> options)
    {
        _options = options.Value;
        // Verified against when the account does not exist, so "no such email" costs the same time as "wrong password".
        _dummyHash = Hash("not-a-real-password-" + Guid.NewGuid());
    }

    /// <summary>A new Argon2id hash with the configured parameters and a fresh salt.</summary>
    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Argon2id(password, salt, _options.MemoryKiB, _options.Iterations, _options.Parallelism, HashSize);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}v={Version}$m={_options.MemoryKiB},t={_options.Iterations},p={_options.Parallelism}${Base64(salt)}${Base64(hash)}");
    }

    /// <summary>
    /// Failed, Success, or SuccessRehashNeeded (a PBKDF2 hash, or Argon2id with other parameters). A null hash (no such
    /// account, or one that only signs in through a provider) is checked against a dummy hash and always fails.
    /// </summary>
    public PasswordVerificationResult Verify(string? hash, string password)
    {
        var result = VerifyCore(hash ?? _dummyHash, password);
        return hash is null ? PasswordVerificationResult.Failed : result;
    }

    private PasswordVerificationResult VerifyCore(string stored, string password)
    {
        if (stored.StartsWith('$'))
        {
            if (!TryParse(stored, out var m, out var t, out var p, out var salt, out var expected))
            {
                return PasswordVerificationResult.Failed;
            }

            var actual = Argon2id(password, salt, m, t, p, expected.Length);
            // Constant time: how much of the hash matched must not show in the answer's timing.
            if (!CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                return PasswordVerificationResult.Failed;
            }

            return m == _options.MemoryKiB && t == _options.Iterations && p == _options.Parallelism && salt.Length == SaltSize && expected.Length == HashSize
                ? PasswordVerificationResult.Success
                : PasswordVerificationResult.SuccessRehashNeeded;
        }

        // PasswordHasher v2/v3 (base64, format byte first); it compares in constant time itself.
        return _legacy.VerifyHashedPassword(null!, stored, password) == PasswordVerificationResult.Failed
            ? PasswordVerificationResult.Failed
            : PasswordVerificationResult.SuccessRehashNeeded;
    }

    /// <summary>Parses <c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>; parameters outside what this app would ever write are refused.</summary>
    internal static bool TryParse(string encoded, out int memoryKiB, out int iterations, out int parallelism,
        [NotNullWhen(true)] out byte[]? salt, [NotNullWhen(true)] out byte[]? hash)
    {
        memoryKiB = iterations = parallelism = 0;
        salt = hash = null;
        var parts = encoded.Split('$');
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }

        var parameters = parts[3].Split(',');
        if (parameters.Length != 3
            || !TryParameter(parameters[0], "m=", out memoryKiB) || !TryParameter(parameters[1], "t=", out iterations) || !TryParameter(parameters[2], "p=", out parallelism)
            || parallelism is < 1 or > 16 || iterations is < 1 or > 20 || memoryKiB < 8 * parallelism || memoryKiB > MaxMemoryKiB)
        {
            return false;
        }

        salt = FromBase64(parts[4]);
        hash = FromBase64(parts[5]);
        return salt is { Length: >= 8 and <= 64 } && hash is { Length: >= 16 and <= 64 };
    }

    private static bool TryParameter(string part, string name, out int value)
    {
        value = 0;
        return part.StartsWith(name, StringComparison.Ordinal)
            && int.TryParse(part.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static byte[] Argon2id(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            using var argon2 = new Argon2id(bytes) { Salt = salt, MemorySize = memoryKiB, Iterations = iterations, DegreeOfParallelism = parallelism };
            return argon2.GetBytes(length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>PHC strings use standard base64 without padding.</summary>
    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromBase64(string value)
    {
        if (value.Length is 0 or > 128 || value.Contains('=', StringComparison.Ordinal))
        {
            return null;
        }

        var padded = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }
}
