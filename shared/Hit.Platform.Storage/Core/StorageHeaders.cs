using System.Globalization;
using Azure;
using Azure.Core;

namespace Hit.Platform.Storage.Core;

internal static class StorageHeaders
{
    public const string MetadataPrefix = "x-ms-meta-";

    public static string FormatDate(DateTimeOffset value) => value.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.ParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? OptionalDate(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? ParseDate(value) : null;

    public static DateTimeOffset RequiredDate(Response response, string name) =>
        OptionalDate(response, name) ?? throw new StorageRequestFailedException($"The storage response has no '{name}' header.");

    public static string? Optional(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    public static ETag ETagOf(Response response) => response.Headers.ETag ?? default;

    public static long LongOf(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static IReadOnlyDictionary<string, string> MetadataOf(Response response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name[MetadataPrefix.Length..]] = header.Value;
            }
        }

        return metadata;
    }

    public static void AddMetadata(Request request, IDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            ValidateMetadataName(name);
            request.Headers.SetValue(MetadataPrefix + name, value);
        }
    }

    public static void AddConditions(Request request, RequestConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        if (conditions.IfMatch is { } ifMatch)
        {
            request.Headers.SetValue(HttpHeader.Names.IfMatch, ifMatch.ToString("H"));
        }

        if (conditions.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.SetValue(HttpHeader.Names.IfNoneMatch, ifNoneMatch.ToString("H"));
        }

        if (conditions.IfModifiedSince is { } modifiedSince)
        {
            request.Headers.SetValue(HttpHeader.Names.IfModifiedSince, FormatDate(modifiedSince));
        }

        if (conditions.IfUnmodifiedSince is { } unmodifiedSince)
        {
            request.Headers.SetValue(HttpHeader.Names.IfUnmodifiedSince, FormatDate(unmodifiedSince));
        }
    }

    private static void ValidateMetadataName(string name)
    {
        // The service requires C# identifier rules; checking here turns a signed 400 into a clear local error
        // and keeps names free of characters whose sort order differs between services (see SharedKey policy).
        var valid = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_');
        foreach (var c in name)
        {
            valid &= char.IsAsciiLetterOrDigit(c) || c == '_';
        }

        if (!valid)
        {
            throw new ArgumentException($"Metadata name '{name}' is not a valid identifier (ASCII letters, digits, '_').", nameof(name));
        }
    }
}
