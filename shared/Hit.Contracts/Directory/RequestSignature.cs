using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hit.Contracts.Directory;

/// <summary>
/// The HMAC-SHA256 request-signing protocol shared by the services (which verify) and the SDK (which signs), so both
/// sides build byte-identical strings to sign.
/// </summary>
/// <remarks>
/// <para><b>v1</b> (the HackIt seed's format, kept for its clients): <c>METHOD:PATH:TIMESTAMP</c>. It covers neither the
/// query nor the body, and two identical requests in the same second carry the same signature, so the replay cache
/// lets only the first through.</para>
/// <para><b>v2</b> (<c>X-API-Signature-Version: 2</c>): the lines <c>HIT-HMAC-SHA256-V2</c>, METHOD, PATH, the canonical
/// query, TIMESTAMP, the <c>X-API-Nonce</c>, the <c>X-Hit-Namespace</c> header (empty when absent) and the lowercase hex
/// SHA-256 of the body, joined by <c>\n</c>. The nonce makes every request unique (the replay cache keys on it) and the
/// namespace line stops a captured request from being replayed into another tenant.</para>
/// <para>PATH is the request path relative to the app's base URL (what the app receives: <c>/users/…</c>, without a
/// gateway's <c>/directory</c> prefix), percent-decoded, so a signature does not depend on how a client escaped it.
/// TIMESTAMP is Unix seconds. The signature is lowercase hex; verifiers accept any case.</para>
/// </remarks>
public static class RequestSignature
{
    public const string TimestampHeader = "X-API-Timestamp";
    public const string SignatureHeader = "X-API-Signature";
    public const string VersionHeader = "X-API-Signature-Version";
    public const string NonceHeader = "X-API-Nonce";
    public const string NamespaceHeader = "X-Hit-Namespace";

    /// <summary>Length of a signature in bytes (SHA-256).</summary>
    public const int SignatureLength = 32;

    private const string V2Tag = "HIT-HMAC-SHA256-V2";

    /// <summary>SHA-256 of the empty body, lowercase hex (what v2 signs for GET/DELETE).</summary>
    public static readonly string EmptyBodyHash = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>The v1 string to sign: <c>METHOD:PATH:TIMESTAMP</c>.</summary>
    public static string V1String(string method, string path, long timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(path);
        return string.Create(CultureInfo.InvariantCulture, $"{method.ToUpperInvariant()}:{CanonicalPath(path)}:{timestamp}");
    }

    /// <summary>The v2 string to sign (see the class remarks for its lines).</summary>
    public static string V2String(string method, string path, string? rawQuery, long timestamp, string nonce, string? ns, string bodySha256Hex)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(bodySha256Hex);
        return string.Join('\n',
            V2Tag,
            method.ToUpperInvariant(),
            CanonicalPath(path),
            CanonicalQuery(rawQuery),
            timestamp.ToString(CultureInfo.InvariantCulture),
            nonce,
            ns ?? "",
            bodySha256Hex.ToLowerInvariant());
    }

    /// <summary>HMAC-SHA256 of <paramref name="stringToSign"/> under <paramref name="secret"/> (its UTF-8 bytes).</summary>
    public static byte[] Compute(string secret, string stringToSign)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(stringToSign);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign));
    }

    /// <summary>The header value: lowercase hex of <see cref="Compute"/>.</summary>
    public static string Sign(string secret, string stringToSign) => Convert.ToHexStringLower(Compute(secret, stringToSign));

    /// <summary>Lowercase hex SHA-256 of a body.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>The path as signed: percent-decoded, <c>/</c> when empty.</summary>
    public static string CanonicalPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var decoded = path.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(path) : path;
        return decoded.Length == 0 ? "/" : decoded;
    }

    /// <summary>
    /// The query as signed: pairs decoded (<c>+</c> is a space, as in HTML forms), sorted by name then value
    /// (ordinal), re-encoded with RFC 3986 escaping and joined by <c>&amp;</c>. A leading <c>?</c> is ignored.
    /// </summary>
    public static string CanonicalQuery(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return "";
        }

        var query = rawQuery[0] == '?' ? rawQuery[1..] : rawQuery;
        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            pairs.Add((Decode(name), Decode(value)));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(static p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));
}
