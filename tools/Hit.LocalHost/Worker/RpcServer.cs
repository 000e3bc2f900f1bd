using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Hit.LocalHost.Http;
using Hit.LocalHost.Worker.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// The host's gRPC endpoint (<c>FunctionRpc.EventStream</c>) on 127.0.0.1 over cleartext HTTP/2, as the worker's
/// <c>--functions-uri</c> expects. A worker's stream is matched to the <see cref="WorkerChannel"/> the supervisor
/// created for it by the id in its first message, <c>StartStream.worker_id</c>.
/// </summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly ConcurrentDictionary<string, WorkerChannel> _channels = new(StringComparer.Ordinal);

    public RpcServer(ILogger logger)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            // Invocation payloads (a queue message, a 100 MB body is proxied, not sent here) stay well below this.
            options.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(options =>
        {
            // The worker is started with --functions-grpc-max-message-length 2147483647; accept the same.
            options.MaxReceiveMessageSize = int.MaxValue;
            options.MaxSendMessageSize = int.MaxValue;
        });
        builder.Services.AddSingleton(this);
        builder.Services.AddSingleton(logger);
        builder.Logging.ClearProviders();
        _web = builder.Build();
        _web.MapGrpcService<FunctionRpcService>();
    }

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _web.StartAsync(cancellationToken).ConfigureAwait(false);
        Address = LoopbackServer.GetAddress(_web);
    }

    /// <summary>Registers the channel a worker about to start will connect to.</summary>
    public void Expect(WorkerChannel channel) => _channels[channel.WorkerId] = channel;

    public void Forget(WorkerChannel channel) => _channels.TryRemove(new KeyValuePair<string, WorkerChannel>(channel.WorkerId, channel));

    internal bool TryGetChannel(string workerId, out WorkerChannel channel) => _channels.TryGetValue(workerId, out channel!);

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
    }
}

internal sealed partial class FunctionRpcService(RpcServer server, ILogger logger) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var first = requestStream.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream || !server.TryGetChannel(first.StartStream.WorkerId, out var channel))
        {
            Log.UnknownWorker(logger, first.StartStream?.WorkerId ?? "(no StartStream)");
            return;
        }

        await channel.RunAsync(requestStream, responseStream, context.CancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(310, LogLevel.Warning, "A worker connected with unknown id {WorkerId}; its stream is closed")]
        public static partial void UnknownWorker(ILogger logger, string workerId);
    }
}
