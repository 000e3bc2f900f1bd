using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Hit.Platform.Storage.Auth;

/// <summary>
/// Signs each attempt with the Storage "SharedKey" scheme (Blob and Queue services, version 2009-09-19+):
/// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key.
/// Runs per retry, after every other header is set, because the signature covers <c>x-ms-date</c> and all other
/// <c>x-ms-*</c> headers and a retried request must carry a fresh date.
/// </summary>
internal sealed class SharedKeyAuthenticationPolicy : HttpPipelineSynchronousPolicy
{
    private readonly string _accountName;
    private readonly byte[] _key;

    public SharedKeyAuthenticationPolicy(string accountName, ReadOnlySpan<byte> key)
    {
        _accountName = accountName;
        _key = key.ToArray();
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
        var signature = Sign(_key, BuildStringToSign(_accountName, request));
        request.Headers.SetValue(HttpHeader.Names.Authorization, $"SharedKey {_accountName}:{signature}");
    }

    internal static string Sign(ReadOnlySpan<byte> key, string stringToSign)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign), mac);
        return Convert.ToBase64String(mac);
    }

    internal static string BuildStringToSign(string accountName, Request request)
    {
        var sb = new StringBuilder(256);
        sb.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        AppendHeader(sb, request, "Content-Encoding");
        AppendHeader(sb, request, "Content-Language");

        // Since 2015-02-21 a zero Content-Length is signed as the empty string.
        if (request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0)
        {
            sb.Append(length.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append('\n');
        AppendHeader(sb, request, "Content-MD5");
        AppendHeader(sb, request, "Content-Type");
        // Date is left empty: x-ms-date (a canonicalized header) carries the time.
        sb.Append('\n');
        AppendHeader(sb, request, "If-Modified-Since");
        AppendHeader(sb, request, "If-Match");
        AppendHeader(sb, request, "If-None-Match");
        AppendHeader(sb, request, "If-Unmodified-Since");
        AppendHeader(sb, request, "Range");
        AppendCanonicalizedHeaders(sb, request);
        AppendCanonicalizedResource(sb, accountName, request.Uri);
        return sb.ToString();
    }

    private static void AppendHeader(StringBuilder sb, Request request, string name)
    {
        if (request.Headers.TryGetValue(name, out var value))
        {
            sb.Append(value);
        }

        sb.Append('\n');
    }

    private static void AppendCanonicalizedHeaders(StringBuilder sb, Request request)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(header.Name.ToLowerInvariant(), header.Value.Trim()));
            }
        }

        // Ordinal order. Azurite sorts with localeCompare; the two only disagree when a metadata name has '_'
        // where the other has a digit at the same position, which our callers do not produce.
        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in headers)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private static void AppendCanonicalizedResource(StringBuilder sb, string accountName, RequestUriBuilder uri)
    {
        // The path is signed as sent (percent-encoded); path-style emulator URLs keep the account segment,
        // giving "/devstoreaccount1/devstoreaccount1/container/blob" exactly like the Azure SDKs.
        var path = uri.Path;
        sb.Append('/').Append(accountName).Append(string.IsNullOrEmpty(path) ? "/" : path);

        var query = uri.Query;
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            if (!parameters.TryGetValue(name, out var values))
            {
                parameters[name] = values = [];
            }

            values.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            sb.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }
    }
}
