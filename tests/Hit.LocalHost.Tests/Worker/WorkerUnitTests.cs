using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Hit.LocalHost.Triggers;
using Hit.LocalHost.Worker;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Tests.Worker;

/// <summary>The worker runtime's pure rules, and the connect retry against real sockets.</summary>
public sealed class WorkerUnitTests
{
    [Fact]
    public void LogLevels_LongestCategoryPrefixWins_ElseDefault()
    {
        var levels = LogLevels.Parse(JsonNode.Parse("""{"default":"Information","Function":"Warning","Function.Chatty.User":"Error","Worker":"None"}""")!.AsObject());

        Assert.True(levels.IsEnabled("Host.Startup", LogLevel.Information));
        Assert.False(levels.IsEnabled("Host.Startup", LogLevel.Debug));
        Assert.False(levels.IsEnabled("Function.Echo.User", LogLevel.Information));
        Assert.True(levels.IsEnabled("Function.Echo.User", LogLevel.Warning));
        Assert.False(levels.IsEnabled("Function.Chatty.User", LogLevel.Warning));
        Assert.True(levels.IsEnabled("Function.Chatty.User", LogLevel.Error));
        Assert.False(levels.IsEnabled("Worker", LogLevel.Critical));
        // A prefix matches whole segments only.
        Assert.True(levels.IsEnabled("Functional", LogLevel.Information));
    }

    [Fact]
    public void BlobPathPattern_BindsParametersAndListsByLiteralPrefix()
    {
        var pattern = BlobPathPattern.Parse("uploads/in/{ns}/{rest}");
        Assert.Equal("uploads", pattern.Container);
        Assert.Equal("in/", pattern.Prefix);
        Assert.Equal([new("ns", "acme"), new KeyValuePair<string, string>("rest", "a/b.txt")], pattern.Match("in/acme/a/b.txt"));
        Assert.Null(pattern.Match("out/acme/a.txt"));
        Assert.Equal([new KeyValuePair<string, string>("name", "x.png")], BlobPathPattern.Parse("images/{name}").Match("x.png"));
        Assert.Throws<InvalidDataException>(() => BlobPathPattern.Parse("{container}/x"));
    }

    [Theory]
    [InlineData("", "counter/{id}", "counter/{id}")]
    [InlineData("api", "/counter/{id}", "api/counter/{id}")]
    [InlineData("/api/", "", "api")]
    public void RoutePattern_AppliesPrefix(string prefix, string route, string expected) =>
        Assert.Equal(expected, WorkerHttpServer.RoutePattern(prefix, route));

    [Fact]
    public void PercentExpressions_ResolveColonNames_FromDoubleUnderscoreSettings()
    {
        // Settings reach the host in environment form (Email__Queue); a binding names them in configuration form.
        var settings = new Hit.LocalHost.AppModel.AppSettings(new Dictionary<string, string?> { ["Email__Queue"] = "mail-out", ["Plain"] = "p" });

        Assert.Equal("mail-out", settings.ResolvePercentExpressions("%Email:Queue%"));
        Assert.Equal("x-p", settings.ResolvePercentExpressions("x-%Plain%"));
    }

    [Fact]
    public void HostId_IsLowercaseAndBounded() =>
        Assert.Equal("my-app-name-with-a-very-long-nam", LocalFunctionsHost.DefaultHostId("My_App.Name with a very long name indeed"));

    [Fact]
    public void OutputItems_ArraysFanOut_StringsStayText()
    {
        Assert.Equal(["a", "b"], TypedValues.ToItems(new TypedData { Json = """["a","b"]""" }).Select(i => i.ToString()));
        Assert.Equal(["""{"x":1}""", "2"], TypedValues.ToItems(new TypedData { Json = """[{"x":1},2]""" }).Select(i => i.ToString()));
        Assert.Equal(["one", "two"], TypedValues.ToItems(new TypedData { CollectionString = new CollectionString { String = { "one", "two" } } }).Select(i => i.ToString()));
        Assert.Equal(["plain"], TypedValues.ToItems(TypedValues.String("plain")).Select(i => i.ToString()));
        Assert.Equal([1, 2, 3], TypedValues.ToItems(TypedValues.Bytes([1, 2, 3])).Single().ToArray());
        Assert.Empty(TypedValues.ToItems(new TypedData()));
        Assert.Empty(TypedValues.ToItems(null));
    }

    [Fact]
    public async Task RetryProxyHandler_WaitsForAWorkerThatStartsListeningLate()
    {
        var port = FreePort();
        var connects = new ConnectCounter();
        using var invoker = new HttpMessageInvoker(new RetryProxyHandler(connects.Handler()));
        var send = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/"), CancellationToken.None);

        // Listen only once a connection has been refused and retried: the request can then only succeed by retrying.
        await connects.WaitForAsync(2);
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        using var accepted = await listener.AcceptTcpClientAsync();
        var stream = accepted.GetStream();
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer);
        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"u8.ToArray());

        using var response = await send;
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(connects.Refused >= 1, $"{connects.Refused} refused connections");
    }

    [Fact]
    public async Task RetryProxyHandler_GivesUpAfterItsAttempts()
    {
        var port = FreePort();
        var connects = new ConnectCounter();
        using var invoker = new HttpMessageInvoker(new RetryProxyHandler(connects.Handler()));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/"), CancellationToken.None));

        Assert.IsType<SocketException>(error.InnerException);
        // The real host's handler: ten attempts, then the last refusal is the caller's error.
        Assert.Equal((10, 10), (connects.Attempts, connects.Refused));
    }

    /// <summary>Counts the connections a handler opens (and how many were refused) as they happen.</summary>
    private sealed class ConnectCounter
    {
        private int _attempts;
        private int _refused;
        private readonly Lock _gate = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        public int Attempts => Volatile.Read(ref _attempts);

        public int Refused => Volatile.Read(ref _refused);

        public SocketsHttpHandler Handler() => new()
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    Count(refused: false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException)
                {
                    socket.Dispose();
                    Count(refused: true);
                    throw;
                }
            },
        };

        public Task WaitForAsync(int attempts)
        {
            lock (_gate)
            {
                if (_attempts >= attempts)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((attempts, reached));
                return reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        private void Count(bool refused)
        {
            lock (_gate)
            {
                _attempts++;
                if (refused)
                {
                    _refused++;
                }

                foreach (var waiter in _waiters.Where(w => w.Count <= _attempts).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Reached.TrySetResult();
                }
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
