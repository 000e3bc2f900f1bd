using System.Net;
using Polly;
using Polly.Retry;

namespace Hit.Sdk.Http;

/// <summary>Retry settings for idempotent calls.</summary>
public sealed class HitRetryOptions
{
    /// <summary>Retries after the first attempt (0 disables retrying).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base delay of the exponential back-off (with jitter).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// Retries idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, and POSTs marked with
/// <see cref="MarkIdempotent"/>) on connection failures, 408, 429 and 5xx gateway/availability answers, with Polly.Core.
/// Non-idempotent requests (a create) are sent once: retrying them could write twice.
/// </summary>
public sealed class RetryHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> IdempotentKey = new("Hit.Sdk.Idempotent");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public RetryHandler(HitRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = options.MaxRetryAttempts <= 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    Delay = options.Delay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .Handle<HttpRequestException>()
                        .HandleResult(static r => IsTransient(r.StatusCode)),
                    OnRetry = static args =>
                    {
                        // The failed response is replaced by the next attempt's; free its connection now.
                        args.Outcome.Result?.Dispose();
                        return default;
                    },
                })
                .Build();
    }

    /// <summary>Marks a POST that is safe to repeat (e.g. a query) so it is retried like a GET.</summary>
    public static void MarkIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(IdempotentKey, true);
    }

    public static bool IsIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete
            || method == HttpMethod.Options || (request.Options.TryGetValue(IdempotentKey, out var marked) && marked);
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsIdempotent(request)
            ? _pipeline.ExecuteAsync(static (state, ct) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, ct)), (Handler: this, Request: request), cancellationToken).AsTask()
            : base.SendAsync(request, cancellationToken);
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);
}
