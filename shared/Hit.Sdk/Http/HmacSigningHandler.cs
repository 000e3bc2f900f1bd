using System.Globalization;
using Hit.Contracts.Directory;

namespace Hit.Sdk.Http;

/// <summary>How requests are signed (see <see cref="RequestSignature"/> for the protocol).</summary>
public sealed class HmacSigningOptions
{
    /// <summary>The shared secret.</summary>
    public string Secret { get; set; } = "";

    /// <summary>1 (the HackIt seed's format) or 2 (default: covers query, body and namespace, with a nonce).</summary>
    public int Version { get; set; } = 2;

    /// <summary>
    /// The service's base address. Its path (e.g. <c>/directory/</c> behind the gateway) is removed before signing,
    /// because the service signs the path it receives.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The clock timestamps come from (tests pass a skewed one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Signs every request with HMAC-SHA256. It sits inside the retry handler, so each attempt gets a fresh timestamp and
/// nonce (a retried v2 request is never refused as a replay).
/// </summary>
public sealed class HmacSigningHandler : DelegatingHandler
{
    private readonly HmacSigningOptions _options;

    public HmacSigningHandler(HmacSigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Secret);
        if (options.Version is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Version must be 1 or 2.");
        }

        _options = options;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await SignAsync(request, _options, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds (or replaces) the signature headers on <paramref name="request"/>.</summary>
    public static async Task SignAsync(HttpRequestMessage request, HmacSigningOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var path = RelativePath(uri, options.BaseAddress);
        var timestamp = options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        var headers = request.Headers;
        foreach (var name in (string[])[RequestSignature.TimestampHeader, RequestSignature.SignatureHeader, RequestSignature.VersionHeader, RequestSignature.NonceHeader])
        {
            headers.Remove(name);
        }

        string stringToSign;
        if (options.Version == 1)
        {
            stringToSign = RequestSignature.V1String(request.Method.Method, path, timestamp);
        }
        else
        {
            var nonce = Guid.NewGuid().ToString("N");
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var ns = headers.TryGetValues(RequestSignature.NamespaceHeader, out var values) ? values.FirstOrDefault() : null;
            stringToSign = RequestSignature.V2String(request.Method.Method, path, uri.Query, timestamp, nonce, ns, RequestSignature.BodyHash(body));
            headers.Add(RequestSignature.VersionHeader, "2");
            headers.Add(RequestSignature.NonceHeader, nonce);
        }

        headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        headers.Add(RequestSignature.SignatureHeader, RequestSignature.Sign(options.Secret, stringToSign));
    }

    /// <summary>The request's path with the base address's path removed (what the service receives).</summary>
    public static string RelativePath(Uri requestUri, Uri? baseAddress)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        var path = requestUri.AbsolutePath;
        var basePath = baseAddress?.AbsolutePath.TrimEnd('/') ?? "";
        return basePath.Length > 0 && path.StartsWith(basePath + "/", StringComparison.Ordinal) ? path[basePath.Length..] : path;
    }
}
