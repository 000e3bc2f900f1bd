using System.Net;
using System.Net.Sockets;

namespace Hit.Cli.Processes;

/// <summary>Loopback port helpers for the processes the CLI starts.</summary>
internal static class Loopback
{
    /// <summary>A port free right now (the OS picks it); the caller hands it to a child process at once.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
