using System.Net.Http.Headers;

namespace Hit.Sdk.Http;

/// <summary>Adds <c>Authorization: Bearer &lt;token&gt;</c> from a provider called per attempt (so refreshed tokens are used).</summary>
public sealed class BearerTokenHandler(Func<CancellationToken, ValueTask<string?>> tokenProvider) : DelegatingHandler
{
    private readonly Func<CancellationToken, ValueTask<string?>> _tokenProvider = tokenProvider ?? throw new ArgumentNullException(nameof(tokenProvider));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await _tokenProvider(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = string.IsNullOrEmpty(token) ? null : new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
