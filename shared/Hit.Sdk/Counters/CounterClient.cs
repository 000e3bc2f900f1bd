using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.PingPong;
using Hit.Sdk.Http;

namespace Hit.Sdk.Counters;

/// <summary>
/// Typed client of the ping-pong counters. Failures throw <see cref="HitApiException"/> with the ProblemDetails
/// <c>code</c>. Increment is sent once (repeating it would count twice); reads and resets are retried.
/// </summary>
public sealed class CounterClient : HitServiceClient
{
    public CounterClient(HttpClient http)
        : this(http, ownsHttpClient: false)
    {
    }

    private CounterClient(HttpClient http, bool ownsHttpClient)
        : base(http, ownsHttpClient)
    {
    }

    public static CounterClient Create(HitClientOptions options, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CounterClient(options.CreateHttpClient(primaryHandler), ownsHttpClient: true);
    }

    /// <summary>The counter's value (0 for a counter never written).</summary>
    public Task<CounterResponse> GetAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"counter/{ServiceCall.Segment(id)}", idempotent: true, cancellationToken);

    /// <summary>Adds 1 atomically; returns the new value.</summary>
    public Task<CounterResponse> IncrementAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"counter/{ServiceCall.Segment(id)}/increment", idempotent: false, cancellationToken);

    /// <summary>Sets the counter back to 0.</summary>
    public Task<CounterResponse> ResetAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"counter/{ServiceCall.Segment(id)}/reset", idempotent: true, cancellationToken);

    private async Task<CounterResponse> SendAsync(HttpMethod method, string path, bool idempotent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ServiceCall.Relative(path));
        using var response = await SendAsync(request, idempotent, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(HitJsonContext.Default.CounterResponse, cancellationToken).ConfigureAwait(false)
            ?? throw new HitApiException(response.StatusCode, "invalid_response", "The service answered success without a body.");
    }
}
