using System.Text;

namespace Hit.Platform.Cosmos;

/// <summary>
/// Builds partition keys and deterministic ids from parts, e.g. <c>CosmosKeys.Pk(ns, "counter", id)</c>
/// → <c>"acme|counter|c1"</c>.
/// </summary>
/// <remarks>
/// Every part is escaped so the separator can only come from this class. Without that, namespace
/// <c>"a|counter"</c> with id <c>"x"</c> and namespace <c>"a"</c> with kind <c>"counter|…"</c> could produce the
/// same key, and one tenant could address another tenant's partition. Escaping also removes the characters
/// Cosmos forbids in ids (<c>/ \ ? #</c>). The encoding is injective: different part lists never collide.
/// </remarks>
public static class CosmosKeys
{
    public const char Separator = '|';

    /// <summary>The namespace used when a request names none.</summary>
    public const string DefaultNamespace = "default";

    private const int MaxIdLength = 255;

    /// <summary>Partition key that starts with the tenant namespace: <c>ns|part1|part2…</c>.</summary>
    public static string Pk(string ns, params ReadOnlySpan<string> parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        var builder = new StringBuilder();
        Append(builder, ns, nameof(ns));
        foreach (var part in parts)
        {
            builder.Append(Separator);
            Append(builder, part, nameof(parts));
        }

        return builder.ToString();
    }

    /// <summary>Deterministic document id from business values (uniqueness is per partition key).</summary>
    public static string Id(params ReadOnlySpan<string> parts)
    {
        if (parts.IsEmpty)
        {
            throw new ArgumentException("At least one part is required.", nameof(parts));
        }

        var builder = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(Separator);
            }

            Append(builder, parts[i], nameof(parts));
        }

        if (builder.Length > MaxIdLength)
        {
            throw new ArgumentException($"The id would be {builder.Length} characters; Cosmos allows {MaxIdLength}.", nameof(parts));
        }

        return builder.ToString();
    }

    /// <summary>The namespace a partition key built by <see cref="Pk"/> belongs to.</summary>
    public static string NamespaceOf(string pk)
    {
        ArgumentNullException.ThrowIfNull(pk);
        var end = pk.IndexOf(Separator, StringComparison.Ordinal);
        return Unescape(end < 0 ? pk : pk[..end]);
    }

    /// <summary>True when <paramref name="pk"/> was built for namespace <paramref name="ns"/>.</summary>
    public static bool BelongsTo(string pk, string ns)
    {
        ArgumentNullException.ThrowIfNull(pk);
        ArgumentException.ThrowIfNullOrEmpty(ns);
        return string.Equals(NamespaceOf(pk), ns, StringComparison.Ordinal);
    }

    private static void Append(StringBuilder builder, string part, string paramName)
    {
        if (string.IsNullOrEmpty(part))
        {
            throw new ArgumentException("Key parts must be non-empty.", paramName);
        }

        foreach (var c in part)
        {
            _ = c switch
            {
                '%' => builder.Append("%25"),
                Separator => builder.Append("%7C"),
                '/' => builder.Append("%2F"),
                '\\' => builder.Append("%5C"),
                '?' => builder.Append("%3F"),
                '#' => builder.Append("%23"),
                _ => builder.Append(c),
            };
        }
    }

    private static string Unescape(string part) =>
        part.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(part) : part;
}
