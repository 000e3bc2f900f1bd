using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Keys;

/// <summary>
/// AES-256-GCM encryption of secrets at rest (signing keys, session secrets, OAuth state) under
/// <see cref="AuthOptions.KeyEncryptionKey"/>. Each purpose gets its own HKDF-derived key, and the caller's
/// context (a kid, a session id) is authenticated data, so a ciphertext cannot be moved to another record.
/// </summary>
internal sealed class SecretProtector(IOptions<AuthOptions> options)
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _master = Convert.FromBase64String(options.Value.KeyEncryptionKey);

    public string Protect(string purpose, string context, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(DeriveKey(purpose), TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return Convert.ToBase64String(output);
    }

    /// <summary>The plaintext, or null when the value was altered, belongs to another context, or is not ours.</summary>
    public byte[]? Unprotect(string purpose, string context, string protectedValue)
    {
        var input = new byte[protectedValue.Length];
        if (!Convert.TryFromBase64String(protectedValue, input, out var length) || length < 1 + NonceSize + TagSize || input[0] != FormatVersion)
        {
            return null;
        }

        var data = input.AsSpan(0, length);
        var plaintext = new byte[length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(DeriveKey(purpose), TagSize);
            aes.Decrypt(data.Slice(1, NonceSize), data[(1 + NonceSize + TagSize)..], data.Slice(1 + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(context));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary><see cref="Protect"/> as base64url (no padding): for values that travel in URLs (the OAuth state).</summary>
    public string ProtectForUrl(string purpose, string context, ReadOnlySpan<byte> plaintext) =>
        Secrets.Base64Url(Convert.FromBase64String(Protect(purpose, context, plaintext)));

    /// <summary><see cref="Unprotect"/> of a <see cref="ProtectForUrl"/> value; null when it is not one of ours.</summary>
    public byte[]? UnprotectFromUrl(string purpose, string context, string value)
    {
        if (value.Length is 0 or > 1024)
        {
            return null;
        }

        var buffer = new byte[System.Buffers.Text.Base64Url.GetMaxDecodedLength(value.Length)];
        return System.Buffers.Text.Base64Url.TryDecodeFromChars(value, buffer, out var written)
            ? Unprotect(purpose, context, Convert.ToBase64String(buffer, 0, written))
            : null;
    }

    private byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _master, 32, salt: [], info: Encoding.UTF8.GetBytes("hit-auth:" + purpose));
}

/// <summary>Random secrets and their lookup hashes.</summary>
internal static class Secrets
{
    /// <summary>256 random bits, base64url.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of a high-entropy secret, hex. (No KDF needed: the input is random, not a password.)</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    public static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
