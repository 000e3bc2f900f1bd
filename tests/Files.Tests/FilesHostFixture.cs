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
            ["HitAuth__Issuer"] = TestTokens.Settings["HitAuth__Issuer"],
            ["HitAuth__Audience"] = TestTokens.Settings["HitAuth__Audience"],
            ["HitAuth__JwksUrl"] = TestTokens.Settings["HitAuth__JwksUrl"],
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

    /// <summary>A client acting as <paramref name="userId"/> of <paramref name="ns"/>: its access token, and the namespace header.</summary>
    public HttpClient Client(string ns, string userId = TestTokens.Owner)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        return TestTokens.Authorize(client, ns, userId);
    }

    /// <summary>A client without a token or namespace header.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = FilesAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// Uploads a small JPEG as <paramref name="client"/>'s user and waits until the trigger has settled it (its invocation
    /// line is in the host log). Negative checks use it as a later event: the watcher scans the container whole and
    /// awaits every delivery of a scan before the next, so once a blob uploaded after a scan has been invoked, that scan's
    /// deliveries (a retry, a stray blob) have finished and logged too. Call it twice to pass one full scan.
    /// </summary>
    public async Task<FileResponse> ProcessLaterBlobAsync(HttpClient client)
    {
        using var response = await client.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(32, 32), "later.jpg"));
        var file = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        await HostLog.WaitForAsync(l => l.Contains($"ready {BlobNamespace(client)}/chat-bucket/{file.Id}/later.jpg:", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        return file;
    }

    /// <summary>The namespace a <see cref="Client"/> acts in (its header).</summary>
    public static string BlobNamespace(HttpClient client) => client.DefaultRequestHeaders.GetValues("X-Hit-Namespace").Single();

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

/// <summary>Keeps every log line, so a test can count invocations of a function for one blob, or wait for one.</summary>
public sealed class CollectingLogger : ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
    private readonly object _gate = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The first line matching <paramref name="match"/>, waiting for it as lines arrive (not by sleeping).</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            Task added;
            lock (_gate)
            {
                added = _added.Task;
            }

            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            try
            {
                await added.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching host log line within {timeout}.");
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " | " + exception.Message));
            TaskCompletionSource added;
            lock (_gate)
            {
                added = _added;
                _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            added.TrySetResult();
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
