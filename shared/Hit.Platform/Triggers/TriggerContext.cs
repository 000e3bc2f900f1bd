using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hit.Platform.Triggers;

/// <summary>
/// One invocation of a trigger function: the host's metadata, the output bindings to fill and the log lines the
/// host attaches to the invocation. Declare it as a handler parameter to receive it.
/// </summary>
public sealed class TriggerContext
{
    private readonly JsonSerializerOptions _json;
    private readonly Dictionary<string, List<JsonNode>> _outputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declaredOutputs;

    internal TriggerContext(string functionName, JsonObject metadata, IEnumerable<string> declaredOutputs, JsonSerializerOptions json,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        FunctionName = functionName;
        Metadata = metadata;
        _declaredOutputs = new HashSet<string>(declaredOutputs, StringComparer.Ordinal);
        _json = json;
        Services = services;
        CancellationToken = cancellationToken;
    }

    public string FunctionName { get; }

    /// <summary>The raw <c>Metadata</c> object of the envelope (values still encoded; use <see cref="GetMetadata"/>).</summary>
    public JsonObject Metadata { get; }

    public IServiceProvider Services { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Lines returned in the response's <c>Logs</c>: the host logs them on the invocation (correlated in App Insights).</summary>
    public List<string> Logs { get; } = [];

    /// <summary>A metadata value as text, double encoding undone (<c>"\"abc\""</c> → <c>abc</c>).</summary>
    public string? GetMetadata(string key) => Envelope.DecodeString(Metadata[key]);

    /// <summary>Writes exact bytes to an output binding. Calling it again on a queue output adds another message.</summary>
    public void AddOutput(string bindingName, ReadOnlySpan<byte> bytes) => Add(bindingName, Envelope.EncodeBytes(bytes));

    public void AddOutput(string bindingName, string text) => AddOutput(bindingName, Encoding.UTF8.GetBytes(text).AsSpan());

    /// <summary>Writes a value as JSON (the app's serializer options and source-generated contracts) to an output binding.</summary>
    public void AddOutput<T>(string bindingName, T value) =>
        AddOutput(bindingName, JsonSerializer.SerializeToUtf8Bytes(value, _json.GetTypeInfo(typeof(T))).AsSpan());

    internal JsonObject BuildOutputs()
    {
        var outputs = new JsonObject();
        foreach (var (name, values) in _outputs)
        {
            // One value: base64 of the exact bytes. Several: a JSON array, which the host fans out into one queue
            // message per element; elements are message texts (the host only base64-decodes a top-level string).
            outputs[name] = values.Count == 1
                ? values[0]
                : new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(v.GetValue<string>()))))]);
        }

        return outputs;
    }

    private void Add(string bindingName, JsonNode value)
    {
        if (!_declaredOutputs.Contains(bindingName))
        {
            throw new InvalidOperationException($"Function '{FunctionName}' has no output binding named '{bindingName}'. Declare it with WithQueueOutput/WithBlobOutput.");
        }

        if (!_outputs.TryGetValue(bindingName, out var values))
        {
            _outputs[bindingName] = values = [];
        }

        values.Add(value);
    }
}

/// <summary>What the queue trigger tells about the message being processed.</summary>
/// <param name="Id">The queue message id.</param>
/// <param name="DequeueCount">1 on the first delivery; the host poisons the message after <c>maxDequeueCount</c> (5).</param>
public sealed record QueueMessageInfo(string? Id, long DequeueCount, DateTimeOffset? InsertionTime, DateTimeOffset? ExpirationTime, DateTimeOffset? NextVisibleTime, string? PopReceipt)
{
    internal static QueueMessageInfo From(JsonObject metadata) => new(
        Envelope.DecodeString(metadata["Id"]),
        Envelope.DecodeInt64(metadata["DequeueCount"]) ?? 1,
        Envelope.DecodeDateTime(metadata["InsertionTime"]),
        Envelope.DecodeDateTime(metadata["ExpirationTime"]),
        Envelope.DecodeDateTime(metadata["NextVisibleTime"]),
        Envelope.DecodeString(metadata["PopReceipt"]));
}

/// <summary>The blob a blob trigger fired for.</summary>
/// <param name="Container">The container from the trigger path.</param>
/// <param name="Name">The blob name within the container.</param>
/// <param name="PathParameters">Values of the trigger path's <c>{placeholders}</c> (e.g. <c>name</c>).</param>
public sealed record BlobTriggerInput(string Container, string Name, IReadOnlyDictionary<string, string> PathParameters, BinaryData Content,
    string? ContentType, string? ETag, Uri? Uri, IReadOnlyDictionary<string, string> Metadata);
