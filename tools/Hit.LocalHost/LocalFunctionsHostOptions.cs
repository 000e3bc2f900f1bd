using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hit.LocalHost;

/// <summary>Options for <see cref="LocalFunctionsHost"/>.</summary>
public sealed class LocalFunctionsHostOptions
{
    /// <summary>The Functions app root: host.json, functions.metadata, worker.config.json and the worker's binaries (<c>dotnet publish</c> output).</summary>
    public required string AppRoot { get; init; }

    /// <summary>The app's name (gateway segment, blob receipt host id). Defaults to the app root folder name.</summary>
    public string? AppName { get; init; }

    /// <summary>The HTTP listener port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>App settings: <c>AzureWebJobsStorage</c>, binding connections and the app's own settings. Passed to the worker as environment variables.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>How often blob-trigger containers are scanned (the Event Grid stand-in). Default 1 s.</summary>
    public TimeSpan BlobPollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Overrides host.json <c>extensions.queues.maxPollingInterval</c> (tests use short intervals).</summary>
    public TimeSpan? MaxQueuePollingInterval { get; init; }

    /// <summary>Visibility lease taken on received queue messages while they are processed. Default 10 min like the host.</summary>
    public TimeSpan QueueMessageLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Worker crashes tolerated within <see cref="RestartWindow"/> before the host stops (3 on Azure).</summary>
    public int MaxHandlerErrors { get; init; } = 3;

    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a worker may take to connect and load its functions. Default 60 s.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Host id used in blob receipt paths; defaults to the app name (lowercase, at most 32 characters).</summary>
    public string? HostId { get; init; }
}
