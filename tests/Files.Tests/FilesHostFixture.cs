using System.Net.Http.Json;
using Hit.Contracts.Files;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Testing;
using Microsoft.Extensions.Logging;

namespace Hit.Files.Tests;

/// <summary>
/// The built app root (artifacts/apps/Files, from <c>./hit build files</c>) under the local Functions host behind the
/// gateway, against the test run's Azurite and Cosmos server: the path a request takes under <c>./hit run</c>, with
/// the blob trigger fired by the host's poller.
/// </summary>
public sealed class FilesHostFixture : IAsyncLifetime
{
    public const long MaxUploadBytes = 3 * 1024 * 1024;

    private LocalFunctionsHost? _host;

    /// <summary>What the host logged, including each invocation's relayed <c>Logs</c> lines.</summary>
    public CollectingLogger HostLog { get; } = new();

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    /// <summary>The files app through the gateway: <c>http://127.0.0.1:port/files/</c>.</summary>
    public Uri FilesAddress => new(Gateway.BaseAddress, "files/");

    public static IReadOnlyDictionary<string, string?> Settings() =>
        new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-e2e")))
        {
            ["Files__Buckets__0"] = "chat-bucket",
            ["Files__Buckets__1"] = "avatars",
            ["Files__MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            // The trigger's one summary line per invocation (the tests count invocations by it).
            ["Logging__LogLevel__Hit.Files.Thumbnails.ThumbnailFunctions"] = "Information",
        };

    public async Task InitializeAsync()
    {
        _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("Files"),
            AppName = "files",
            Settings = Settings(),
            BlobPollingInterval = TimeSpan.FromMilliseconds(250),
            Logger = HostLog,
        });
        await _host.StartAsync();
        Gateway.AddApp(_host);
        await Gateway.StartAsync();
    }

    public HttpClient Client(string ns)
    {
        var client = new HttpClient { BaseAddress = FilesAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        return client;
    }

    /// <summary>Polls <c>GET files/{id}</c> until the file leaves processing/uploading (or the timeout passes).</summary>
    public static async Task<FileResponse> WaitSettledAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var file = await client.GetFromJsonAsync<FileResponse>($"files/{id}");
            if (file!.Status is not (FileStatuses.Processing or FileStatuses.Uploading))
            {
                return file;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"File {id} still {file.Status} after the timeout.");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>Keeps every log line, so a test can count invocations of a function for one blob.</summary>
public sealed class CollectingLogger : ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " | " + exception.Message));
        }
    }
}

/// <summary>
/// One <see cref="FilesHostFixture"/> for every class that needs the thumbnail trigger: two hosts with the host id
/// "files" on one Azurite split the blobs between them (the receipt lease decides), so a test could wait on a host
/// that never sees its blob.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FilesHostCollection : ICollectionFixture<FilesHostFixture>
{
    public const string Name = "files-host";
}
