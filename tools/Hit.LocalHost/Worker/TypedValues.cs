using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Hit.LocalHost.Worker.Rpc;

namespace Hit.LocalHost.Worker;

/// <summary>
/// Conversions between host values and <see cref="TypedData"/>, following the host's GrpcMessageConversionExtensions:
/// strings as <c>string</c>, bytes as <c>bytes</c>, numbers, dates and objects as <c>json</c> (ToRpcDefault).
/// </summary>
internal static class TypedValues
{
    public static TypedData String(string value) => new() { String = value };

    public static TypedData Json(JsonNode? value) => new() { Json = value?.ToJsonString() ?? "null" };

    public static TypedData Json(long value) => new() { Json = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Dates go through Newtonsoft in the host: ISO 8601 with the offset, as a JSON string.</summary>
    public static TypedData Json(DateTimeOffset value) => new() { Json = JsonSerializer.Serialize(value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)) };

    public static TypedData Bytes(ReadOnlySpan<byte> value) => new() { Bytes = ByteString.CopyFrom(value) };

    /// <summary>The SDK-type binding payload (deferred binding): the worker opens the blob with its own connection.</summary>
    public static TypedData BlobReference(string connection, string container, string blobName) => new()
    {
        ModelBindingData = new ModelBindingData
        {
            Version = "1.0",
            Source = "AzureStorageBlobs",
            ContentType = "application/json",
            Content = ByteString.CopyFromUtf8(new JsonObject
            {
                ["Connection"] = connection,
                ["ContainerName"] = container,
                ["BlobName"] = blobName,
            }.ToJsonString()),
        },
    };

    /// <summary>An output value as the messages/bytes to write; arrays (collections or JSON arrays) become several.</summary>
    public static IReadOnlyList<BinaryData> ToItems(TypedData? data)
    {
        if (data is null)
        {
            return [];
        }

        switch (data.DataCase)
        {
            case TypedData.DataOneofCase.String:
                return [BinaryData.FromString(data.String)];
            case TypedData.DataOneofCase.Bytes:
                return [BinaryData.FromBytes(data.Bytes.Memory)];
            case TypedData.DataOneofCase.Stream:
                return [BinaryData.FromBytes(data.Stream.Memory)];
            case TypedData.DataOneofCase.Int:
                return [BinaryData.FromString(data.Int.ToString(CultureInfo.InvariantCulture))];
            case TypedData.DataOneofCase.Double:
                return [BinaryData.FromString(data.Double.ToString(CultureInfo.InvariantCulture))];
            case TypedData.DataOneofCase.CollectionString:
                return data.CollectionString.String.Select(BinaryData.FromString).ToList();
            case TypedData.DataOneofCase.CollectionBytes:
                return data.CollectionBytes.Bytes.Select(b => BinaryData.FromBytes(b.Memory)).ToList();
            case TypedData.DataOneofCase.CollectionDouble:
                return data.CollectionDouble.Double.Select(d => BinaryData.FromString(d.ToString(CultureInfo.InvariantCulture))).ToList();
            case TypedData.DataOneofCase.CollectionSint64:
                return data.CollectionSint64.Sint64.Select(d => BinaryData.FromString(d.ToString(CultureInfo.InvariantCulture))).ToList();
            case TypedData.DataOneofCase.Json:
                // A JSON array is one message per element (the queue binding's IAsyncCollector); a string element is its text.
                var node = JsonNode.Parse(data.Json);
                return node switch
                {
                    null => [],
                    JsonArray array => array.Select(Item).ToList(),
                    _ => [Item(node)],
                };
            default:
                return [];
        }
    }

    private static BinaryData Item(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? BinaryData.FromString(text) : BinaryData.FromString(node?.ToJsonString() ?? "null");

    /// <summary>A value for binding expressions ({name} in an output path) from trigger metadata.</summary>
    public static string? AsText(TypedData data) => data.DataCase switch
    {
        TypedData.DataOneofCase.String => data.String,
        TypedData.DataOneofCase.Json => JsonNode.Parse(data.Json) is JsonValue v && v.TryGetValue(out string? s) ? s : data.Json,
        TypedData.DataOneofCase.Int => data.Int.ToString(CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Bytes => Encoding.UTF8.GetString(data.Bytes.Span),
        _ => null,
    };
}
