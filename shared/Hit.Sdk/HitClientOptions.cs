using Hit.Sdk.Http;

namespace Hit.Sdk;

/// <summary>Where a Hit service is and how to call it.</summary>
public sealed class HitClientOptions
{
    /// <summary>
    /// The service's base address, e.g. <c>http://127.0.0.1:7071/directory/</c> (a trailing slash is added when missing,
    /// so relative routes stay under the prefix).
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The tenant namespace sent as <c>X-Hit-Namespace</c> (null: the service's default).</summary>
    public string? Namespace { get; set; }

    /// <summary>The HMAC secret; when set, every request is signed.</summary>
    public string? HmacSecret { get; set; }

    /// <summary>Signature version: 2 (default) or 1 (the HackIt seed's format).</summary>
    public int SignatureVersion { get; set; } = 2;

    /// <summary>Supplies a bearer access token per attempt (null: no Authorization header).</summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>Retries of idempotent calls.</summary>
    public HitRetryOptions Retry { get; } = new();

    /// <summary>The whole call, retries included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock signatures are timestamped with.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal Uri NormalizedBaseAddress()
    {
        var address = BaseAddress ?? throw new InvalidOperationException($"{nameof(HitClientOptions)}.{nameof(BaseAddress)} is required.");
        return address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
    }

    /// <summary>The delegating handlers, outermost first: retry, then signing (fresh per attempt), then bearer token.</summary>
    public IReadOnlyList<DelegatingHandler> CreateHandlers()
    {
        var handlers = new List<DelegatingHandler> { new RetryHandler(Retry) };
        if (!string.IsNullOrEmpty(HmacSecret))
        {
            handlers.Add(new HmacSigningHandler(new HmacSigningOptions
            {
                Secret = HmacSecret,
                Version = SignatureVersion,
                BaseAddress = NormalizedBaseAddress(),
                TimeProvider = TimeProvider,
            }));
        }

        if (AccessTokenProvider is not null)
        {
            handlers.Add(new BearerTokenHandler(AccessTokenProvider));
        }

        return handlers;
    }

    /// <summary>An <see cref="HttpClient"/> over <paramref name="primary"/> (default: a pooled <see cref="SocketsHttpHandler"/>) with the handlers.</summary>
    internal HttpClient CreateHttpClient(HttpMessageHandler? primary)
    {
        HttpMessageHandler pipeline = primary ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        foreach (var handler in CreateHandlers().Reverse())
        {
            handler.InnerHandler = pipeline;
            pipeline = handler;
        }

        var http = new HttpClient(pipeline, disposeHandler: true);
        Apply(http);
        return http;
    }

    internal void Apply(HttpClient http)
    {
        http.BaseAddress = NormalizedBaseAddress();
        http.Timeout = Timeout;
        if (Namespace is not null)
        {
            http.DefaultRequestHeaders.Remove("X-Hit-Namespace");
            http.DefaultRequestHeaders.Add("X-Hit-Namespace", Namespace);
        }
    }
}
