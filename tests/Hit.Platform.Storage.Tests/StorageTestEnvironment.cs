using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Hit.Platform.Storage.Tests;

/// <summary>
/// The Azurite the tests run against: <c>HIT_STORAGE_CONNECTION</c> (set by <c>./hit test</c>), else the
/// emulator's default ports. Nothing here skips: an unreachable emulator fails the tests.
/// </summary>
internal static class StorageTestEnvironment
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("HIT_STORAGE_CONNECTION") is { Length: > 0 } value ? value : "UseDevelopmentStorage=true";

    public static StorageConnection Connection { get; } = StorageConnection.Parse(ConnectionString);

    public static StorageClientOptions Options(Action<StorageClientOptions>? configure = null)
    {
        var options = new StorageClientOptions();
        // Fail fast in tests rather than waiting through exponential back-off against a dead emulator.
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
        configure?.Invoke(options);
        return options;
    }

    public static BlobServiceClient Blobs(Action<StorageClientOptions>? configure = null) => new(Connection, Options(configure));

    public static QueueServiceClient Queues(Action<StorageClientOptions>? configure = null) => new(Connection, Options(configure));

    /// <summary>Container and queue names: lowercase letters, digits and '-', 3–63 chars, unique per test.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A connection to the same endpoints signed with a key the emulator does not know.</summary>
    public static StorageConnection WrongKeyConnection()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        return StorageConnection.Parse(
            $"DefaultEndpointsProtocol=http;AccountName={Connection.AccountName};AccountKey={key};" +
            $"BlobEndpoint={Connection.BlobEndpoint};QueueEndpoint={Connection.QueueEndpoint}");
    }
}

/// <summary>Records every request URI that leaves the pipeline (one entry per attempt).</summary>
internal sealed class RecordingPolicy : HttpPipelineSynchronousPolicy
{
    public ConcurrentQueue<(string Method, Uri Uri)> Requests { get; } = new();

    public override void OnSendingRequest(HttpMessage message) =>
        Requests.Enqueue((message.Request.Method.Method, message.Request.Uri.ToUri()));

    public int Count(string queryFragment) => Requests.Count(r => r.Uri.Query.Contains(queryFragment, StringComparison.Ordinal));
}

/// <summary>A container that exists for one test and is deleted afterwards.</summary>
internal sealed class TestContainer : IAsyncDisposable
{
    private TestContainer(BlobContainerClient client) => Client = client;

    public BlobContainerClient Client { get; }

    public static async Task<TestContainer> CreateAsync(BlobServiceClient? service = null)
    {
        var client = (service ?? StorageTestEnvironment.Blobs()).GetContainerClient(StorageTestEnvironment.UniqueName("t"));
        Assert.True(await client.CreateIfNotExistsAsync());
        return new TestContainer(client);
    }

    public async ValueTask DisposeAsync() => await Client.DeleteIfExistsAsync();
}

/// <summary>A queue that exists for one test and is deleted afterwards.</summary>
internal sealed class TestQueue : IAsyncDisposable
{
    private TestQueue(QueueClient client) => Client = client;

    public QueueClient Client { get; }

    public static async Task<TestQueue> CreateAsync(QueueServiceClient? service = null)
    {
        var client = (service ?? StorageTestEnvironment.Queues()).GetQueueClient(StorageTestEnvironment.UniqueName("q"));
        Assert.True(await client.CreateIfNotExistsAsync());
        return new TestQueue(client);
    }

    public async ValueTask DisposeAsync() => await Client.DeleteIfExistsAsync();
}

/// <summary>A deterministic, non-seekable byte source that hashes what it hands out.</summary>
internal sealed class GeneratedStream(long length, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private readonly System.Security.Cryptography.IncrementalHash _hash =
        System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
    private long _position;

    public int ReadCalls { get; private set; }

    public byte[] Sha256 => _hash.GetCurrentHash();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ReadCalls++;
        // Hand out at most 64 KiB per call, like a network stream would.
        var n = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024), length - _position);
        if (n <= 0)
        {
            return 0;
        }

        _random.NextBytes(buffer[..n]);
        _hash.AppendData(buffer[..n]);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
