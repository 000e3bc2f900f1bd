using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Worker;

/// <summary>
/// The real isolated-worker test app (tests/Hit.LocalHost.TestWorker) under a <see cref="LocalFunctionsHost"/>, with
/// its own queues, containers and record folder, so tests run in parallel against one Azurite.
/// </summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    public static string AppRoot { get; } = typeof(WorkerHarness).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestWorkerRoot").Value!;

    /// <summary>Queues as stored (no encoding), so tests see and write the exact wire text.</summary>
    public static QueueServiceClient Queues { get; } = new(TestEnvironment.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    public static BlobServiceClient Blobs { get; } = new(TestEnvironment.StorageConnectionString);

    private WorkerHarness(LocalFunctionsHost host, CapturingLogger logger, string records, string queue, string outQueue, string container, string outContainer)
    {
        Host = host;
        Logger = logger;
        RecordDirectory = records;
        Queue = Queues.GetQueueClient(queue);
        OutQueue = Queues.GetQueueClient(outQueue);
        Container = Blobs.GetBlobContainerClient(container);
        OutContainer = Blobs.GetBlobContainerClient(outContainer);
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
    }

    public LocalFunctionsHost Host { get; }

    public CapturingLogger Logger { get; }

    public HttpClient Client { get; }

    public string RecordDirectory { get; }

    public QueueClient Queue { get; }

    public QueueClient OutQueue { get; }

    public QueueClient PoisonQueue => Queues.GetQueueClient(Queue.Name + "-poison");

    public BlobContainerClient Container { get; }

    public BlobContainerClient OutContainer { get; }

    public sealed record Names(string Records, string Queue, string OutQueue, string Container, string OutContainer)
    {
        public static Names Unique() => new(
            Path.Combine(Path.GetTempPath(), "hit-worker-tests", Guid.NewGuid().ToString("N")),
            TestEnvironment.UniqueName("wq"), TestEnvironment.UniqueName("wo"), TestEnvironment.UniqueName("wc"), TestEnvironment.UniqueName("wx"));
    }

    public static async Task<WorkerHarness> StartAsync(Names? names = null, string? hostId = null, TimeSpan? blobPollingInterval = null, int maxWorkerErrors = 3,
        Dictionary<string, string?>? extraSettings = null)
    {
        names ??= Names.Unique();
        var logger = new CapturingLogger();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestEnvironment.StorageConnectionString,
            ["TEST_RECORD_DIR"] = names.Records,
            ["TEST_QUEUE"] = names.Queue,
            ["TEST_OUT_QUEUE"] = names.OutQueue,
            ["TEST_CONTAINER"] = names.Container,
            ["TEST_OUT_CONTAINER"] = names.OutContainer,
        };
        foreach (var (key, value) in extraSettings ?? [])
        {
            settings[key] = value;
        }

        var options = new LocalFunctionsHostOptions
        {
            AppRoot = AppRoot,
            AppName = "worker" + Guid.NewGuid().ToString("N")[..8],
            Settings = settings,
            Logger = logger,
            BlobPollingInterval = blobPollingInterval ?? TimeSpan.FromMilliseconds(200),
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
            HostId = hostId,
            MaxHandlerErrors = maxWorkerErrors,
        };
        var host = new LocalFunctionsHost(options);
        try
        {
            await host.StartAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("The host did not start. Log:\n" + logger.Dump(), ex);
        }

        var harness = new WorkerHarness(host, logger, names.Records, names.Queue, names.OutQueue, names.Container, names.OutContainer);
        await harness.Queue.CreateIfNotExistsAsync();
        await harness.Container.CreateIfNotExistsAsync();
        return harness;
    }

    /// <summary>What the worker recorded for <paramref name="function"/> (one JSON object per invocation).</summary>
    public IReadOnlyList<JsonObject> Records(string function)
    {
        var path = Path.Combine(RecordDirectory, function + ".jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    public Task<IReadOnlyList<JsonObject>> WaitForRecordsAsync(string function, int count, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Task.FromResult(Records(function) is { } r && r.Count >= count ? r : null),
            timeout ?? TimeSpan.FromSeconds(20), $"{count} records of {function}. Host log:\n{Logger.Dump()}");

    public static Task SendAsync(QueueClient queue, string text) => queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));

    /// <summary>All messages of a queue, decoded from Base64, received under a long lease so none is seen twice.</summary>
    public static async Task<List<string>> DrainAsync(QueueClient queue)
    {
        var texts = new List<string>();
        if (!await queue.ExistsAsync())
        {
            return texts;
        }

        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                return texts;
            }

            texts.AddRange(batch.Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText))));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (Directory.Exists(RecordDirectory))
        {
            Directory.Delete(RecordDirectory, recursive: true);
        }
    }
}

/// <summary>One started worker host shared by the HTTP tests of a class (starting one costs about a second).</summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    internal WorkerHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await WorkerHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
