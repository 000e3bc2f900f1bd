namespace Hit.Sdk.Http;

/// <summary>
/// What every typed client shares: the <see cref="HttpClient"/> (owned when the client built it, borrowed from DI
/// otherwise) and one send path that marks retry-safe requests and turns non-success answers into
/// <see cref="HitApiException"/>s carrying the service's error code.
/// </summary>
public abstract class HitServiceClient : IAsyncDisposable, IDisposable
{
    private readonly bool _ownsHttpClient;

    protected HitServiceClient(HttpClient http, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(http);
        Http = http;
        _ownsHttpClient = ownsHttpClient;
    }

    protected HttpClient Http { get; }

    /// <summary>
    /// Sends <paramref name="request"/>; a request marked <paramref name="retrySafe"/> may be retried by the
    /// <see cref="RetryHandler"/> (GET/PUT/DELETE are retry-safe by method already). The caller disposes the response.
    /// </summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool retrySafe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (retrySafe)
        {
            RetryHandler.MarkIdempotent(request);
        }

        var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ServiceCall.IsSuccess(response.StatusCode))
        {
            return response;
        }

        using (response)
        {
            throw await ServiceCall.ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttpClient)
        {
            Http.Dispose();
        }
    }
}
