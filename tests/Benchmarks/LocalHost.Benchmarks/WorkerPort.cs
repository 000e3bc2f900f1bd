using System.Diagnostics;
using System.Net.Sockets;

namespace LocalHost.Benchmarks;

/// <summary>
/// The worker reports its HttpUri in WorkerInitResponse before its Kestrel listens, and the local host treats the
/// worker as ready then: a request proxied in that gap is refused, and the host answers 500 only after the worker gave
/// up waiting for it (15 s). The benchmarks wait for the port before their first request where that gap is not what
/// they measure.
/// </summary>
internal static class WorkerPort
{
    /// <summary>Polls until <paramref name="httpUri"/> accepts a TCP connection; returns how long that took.</summary>
    public static async Task<TimeSpan> WaitUntilListeningAsync(Uri httpUri, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(httpUri.Host, httpUri.Port);
                return Stopwatch.GetElapsedTime(started);
            }
            catch (SocketException) when (Stopwatch.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(5);
            }
        }
    }
}
