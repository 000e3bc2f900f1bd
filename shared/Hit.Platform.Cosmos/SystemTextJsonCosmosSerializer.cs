using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos;

/// <summary>
/// Cosmos serializer over System.Text.Json, so documents use the same options and source-generated
/// contexts as the HTTP APIs. It is a <see cref="CosmosLinqSerializer"/>, so LINQ queries translate
/// member names the same way they are written (<c>[JsonPropertyName]</c> first, then the naming policy).
/// </summary>
public sealed class SystemTextJsonCosmosSerializer : CosmosLinqSerializer
{
    private readonly JsonSerializerOptions _options;

    public SystemTextJsonCosmosSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    public JsonSerializerOptions Options => _options;

    public override T FromStream<T>(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // The SDK asks for the raw stream for its own stream APIs; the contract says to hand it back undisposed.
        if (typeof(Stream).IsAssignableFrom(typeof(T)))
        {
            return (T)(object)stream;
        }

        using (stream)
        {
            if (stream.CanSeek && stream.Length == 0)
            {
                return default!;
            }

            return (T)JsonSerializer.Deserialize(stream, _options.GetTypeInfo(typeof(T)))!;
        }
    }

    public override Stream ToStream<T>(T input)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, input, _options.GetTypeInfo(typeof(T)));
        stream.Position = 0;
        return stream;
    }

    public override string SerializeMemberName(MemberInfo memberInfo)
    {
        ArgumentNullException.ThrowIfNull(memberInfo);

        var attribute = memberInfo.GetCustomAttribute<JsonPropertyNameAttribute>(inherit: true);
        if (attribute is not null)
        {
            return attribute.Name;
        }

        return _options.PropertyNamingPolicy?.ConvertName(memberInfo.Name) ?? memberInfo.Name;
    }
}
