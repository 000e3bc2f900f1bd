using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos;

/// <summary>One page of results; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The cursor is malformed, was altered, or belongs to another query. Apps answer 400.</summary>
public sealed class InvalidCursorException : Exception
{
    public InvalidCursorException()
        : base("The cursor is invalid or belongs to a different query.")
    {
    }

    public InvalidCursorException(string message)
        : base(message)
    {
    }

    public InvalidCursorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Keyset-style paging over Cosmos continuation tokens (never OFFSET/LIMIT).</summary>
public static class CosmosPaging
{
    public const int MaxPageSize = 1000;

    // Cosmos may return short (even empty) pages with a continuation; a few extra round trips fill the
    // page without letting one request fan out indefinitely.
    private const int MaxRoundTrips = 8;

    /// <summary>
    /// Returns up to <paramref name="pageSize"/> items after <paramref name="cursor"/>. Pass
    /// <paramref name="pk"/> for a single-partition query; the query text must filter on <c>pk</c> as well
    /// (the local server ignores the partition header on queries).
    /// </summary>
    /// <exception cref="InvalidCursorException">The cursor is malformed, altered or from another query.</exception>
    public static async Task<Page<T>> QueryPageAsync<T>(
        this Container container,
        QueryDefinition query,
        string? pk,
        int pageSize,
        string? cursor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        var binding = QueryCursor.Bind(query, pk);
        var continuation = string.IsNullOrEmpty(cursor) ? null : QueryCursor.Decode(cursor, binding);
        var items = new List<T>(pageSize);

        for (var trip = 0; trip < MaxRoundTrips && items.Count < pageSize; trip++)
        {
            // A fresh iterator per trip so MaxItemCount is exactly what is still missing: the
            // continuation then points right after the last item returned to the caller.
            var options = new QueryRequestOptions { MaxItemCount = pageSize - items.Count };
            if (pk is not null)
            {
                options.PartitionKey = new PartitionKey(pk);
            }

            using var iterator = container.GetItemQueryIterator<T>(query, continuation, options);
            if (!iterator.HasMoreResults)
            {
                continuation = null;
                break;
            }

            FeedResponse<T> response;
            try
            {
                response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CosmosException ex) when (continuation is not null && ex.StatusCode == HttpStatusCode.BadRequest)
            {
                // The token passed our integrity check, so the service rejecting it means it expired or
                // the data layout changed; either way the client must restart paging.
                throw new InvalidCursorException("The cursor is no longer valid; start again without a cursor.", ex);
            }

            items.AddRange(response);
            continuation = response.ContinuationToken;
            if (continuation is null)
            {
                break;
            }
        }

        return new Page<T>(items, continuation is null ? null : QueryCursor.Encode(continuation, binding));
    }
}

/// <summary>
/// Opaque cursor = base64url(version | tag | position) where tag = SHA-256(query binding | position) truncated. The
/// tag detects altered cursors and cursors replayed against another query, parameter set or partition. It is an
/// integrity check, not a secret: tenant isolation comes from the query's own <c>pk</c>/<c>ns</c> filter, which a
/// cursor cannot change. <see cref="CosmosPaging.QueryPageAsync"/> keeps a continuation token in it; an app that pages
/// by keyset (Directory) keeps its last sort key in it, bound to the query without its "after" condition.
/// </summary>
public static class QueryCursor
{
    private const byte Version = 1;
    private const int TagLength = 16;

    // Only used to fingerprint parameter values (arrays and objects included), never to store data.
    private static readonly JsonSerializerOptions BindingJson = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>What a cursor is bound to: the query text, every parameter and the partition key.</summary>
    public static byte[] Bind(QueryDefinition query, string? pk)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Length-prefixed fields, so no choice of text, key or values can make two bindings equal.
        var text = new StringBuilder();
        Field(text, query.QueryText);
        Field(text, pk is null ? "x" : "p" + pk);
        foreach (var (name, value) in query.GetQueryParameters())
        {
            Field(text, name);
            Field(text, JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), BindingJson));
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void Field(StringBuilder text, string value) =>
        text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);

    /// <summary>A cursor carrying <paramref name="continuation"/> (any position text), valid only for <paramref name="binding"/>.</summary>
    public static string Encode(string continuation, byte[] binding)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(binding);
        var token = Encoding.UTF8.GetBytes(continuation);
        var payload = new byte[1 + TagLength + token.Length];
        payload[0] = Version;
        Tag(binding, token).CopyTo(payload.AsSpan(1));
        token.CopyTo(payload.AsSpan(1 + TagLength));
        return Base64Url.EncodeToString(payload);
    }

    /// <summary>The position a cursor carries.</summary>
    /// <exception cref="InvalidCursorException">The cursor is malformed, altered or bound to another query.</exception>
    public static string Decode(string cursor, byte[] binding)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentNullException.ThrowIfNull(binding);
        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException ex)
        {
            throw new InvalidCursorException("The cursor is not valid base64url.", ex);
        }

        if (payload.Length <= 1 + TagLength || payload[0] != Version)
        {
            throw new InvalidCursorException();
        }

        var token = payload.AsSpan(1 + TagLength);
        if (!CryptographicOperations.FixedTimeEquals(payload.AsSpan(1, TagLength), Tag(binding, token)))
        {
            throw new InvalidCursorException();
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(token);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidCursorException("The cursor is invalid.", ex);
        }
    }

    private static byte[] Tag(byte[] binding, ReadOnlySpan<byte> token)
    {
        var buffer = new byte[binding.Length + token.Length];
        binding.CopyTo(buffer, 0);
        token.CopyTo(buffer.AsSpan(binding.Length));
        return SHA256.HashData(buffer)[..TagLength];
    }
}
