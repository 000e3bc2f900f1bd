using System.Net.Sockets;

namespace Hit.LocalHost.Worker;

/// <summary>
/// Retries a proxied request whose connection to the worker was refused, as the real host's RetryProxyHandler does
/// (azure-functions-host src/WebJobs.Script.Grpc/Server/RetryProxyHandler.cs: up to 10 attempts, 50 ms doubling to
/// 250 ms). The .NET worker reports its HttpUri before its Kestrel listens, so the first requests after a (re)start
/// can race it. A refused connection has sent nothing, so resending the same request is safe.
/// </summary>
internal sealed class RetryProxyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const int MaxAttempts = 10;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(250);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (attempt < MaxAttempts && ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }
}
