using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Cosmos;

/// <summary>
/// One app container (partition key <c>/pk</c>) in the configured database. When
/// <see cref="CosmosOptions.CreateResources"/> is set, the first <see cref="GetContainerAsync"/> creates the
/// database and the container; afterwards it is a field read.
/// </summary>
public sealed partial class HitContainer : IDisposable
{
    public const string PartitionKeyPath = "/pk";

    private readonly CosmosClient _client;
    private readonly CosmosOptions _options;
    private readonly ILogger<HitContainer> _logger;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _ready;

    internal HitContainer(CosmosClient client, IOptions<CosmosOptions> options, ILogger<HitContainer> logger, string name, int? defaultTimeToLive)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _client = client;
        _options = options.Value;
        _logger = logger;
        Name = name;
        DefaultTimeToLive = defaultTimeToLive;
        Container = client.GetContainer(_options.DatabaseName, name);
        _ready = !_options.CreateResources;
    }

    public string Name { get; }

    /// <summary>Default TTL in seconds (-1 = TTL on, no default; null = off). Applied only when this app creates the container.</summary>
    public int? DefaultTimeToLive { get; }

    public string DatabaseName => _options.DatabaseName;

    /// <summary>The container proxy, without the create-on-first-use step.</summary>
    public Container Container { get; }

    public ValueTask<Container> GetContainerAsync(CancellationToken cancellationToken = default) =>
        _ready ? ValueTask.FromResult(Container) : new ValueTask<Container>(CreateResourcesAsync(cancellationToken));

    private async Task<Container> CreateResourcesAsync(CancellationToken cancellationToken)
    {
        await _createLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A failed or cancelled attempt leaves _ready false, so the next caller retries instead of
            // every later request failing on a cached error.
            if (!_ready)
            {
                var database = await _client.CreateDatabaseIfNotExistsAsync(_options.DatabaseName, cancellationToken: cancellationToken).ConfigureAwait(false);
                var properties = new ContainerProperties(Name, PartitionKeyPath) { DefaultTimeToLive = DefaultTimeToLive };
                var container = await database.Database.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (container.StatusCode == HttpStatusCode.Created)
                {
                    Log.ContainerCreated(_logger, _options.DatabaseName, Name);
                }

                _ready = true;
            }

            return Container;
        }
        finally
        {
            _createLock.Release();
        }
    }

    public void Dispose() => _createLock.Dispose();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created Cosmos container {Database}/{Container}")]
        public static partial void ContainerCreated(ILogger logger, string database, string container);
    }
}
