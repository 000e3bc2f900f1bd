using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hit.Platform.Triggers;

/// <summary>
/// Reads the Functions host's invocation envelope (<c>{"Data":{…},"Metadata":{…}}</c>) and writes its response
/// (<c>{"Outputs":{…},"Logs":[…],"ReturnValue":…}</c>). The host serializes every non-object value with
/// <c>JsonConvert.SerializeObject</c> before embedding it, so strings arrive double-encoded
/// (<c>"\"hello\""</c>) — see reference/functions-custom-handler.md §2. Every read here undoes that, and also
/// accepts the singly-encoded form the docs show, so the handler works whichever the host sends.
/// </summary>
public static class Envelope
{
    /// <summary>The text of a value that may be double-encoded: <c>"\"abc\""</c> → <c>abc</c>; <c>"abc"</c> → <c>abc</c>.</summary>
    public static string? DecodeString(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue value when value.TryGetValue(out string? text):
                return Unwrap(text);
            case JsonValue value:
                // Numbers and booleans (the docs' idealised "DequeueCount": 1).
                return value.ToJsonString();
            default:
                return node.ToJsonString();
        }
    }

    /// <summary>An integer metadata value: <c>"1"</c>, <c>1</c> or <c>"\"1\""</c>.</summary>
    public static long? DecodeInt64(JsonNode? node) =>
        DecodeString(node) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A timestamp metadata value (ISO 8601, possibly quoted twice).</summary>
    public static DateTimeOffset? DecodeDateTime(JsonNode? node) =>
        DecodeString(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value) ? value : null;

    /// <summary>Binary trigger content: always base64 (blob triggers, <c>dataType: binary</c>).</summary>
    public static byte[] DecodeBase64(JsonNode? node)
    {
        var text = DecodeString(node) ?? throw new FormatException("The trigger value is missing.");
        return Convert.FromBase64String(text);
    }

    /// <summary>
    /// Encodes an output value the way the host turns it back into exact bytes: base64 of the bytes, with
    /// <c>dataType</c> unset on the binding (the host base64-decodes strings that parse as base64; sending base64
    /// always is the only way to keep text that happens to look like base64 intact).
    /// </summary>
    public static JsonNode EncodeBytes(ReadOnlySpan<byte> bytes) => JsonValue.Create(Convert.ToBase64String(bytes));

    public static JsonNode EncodeText(string text) => EncodeBytes(Encoding.UTF8.GetBytes(text));

    internal static void WriteResult(Utf8JsonWriter json, JsonObject outputs, IReadOnlyList<string> logs, JsonNode? returnValue)
    {
        json.WriteStartObject();
        json.WritePropertyName("Outputs");
        outputs.WriteTo(json);
        json.WriteStartArray("Logs");
        foreach (var line in logs)
        {
            json.WriteStringValue(line);
        }

        json.WriteEndArray();
        json.WritePropertyName("ReturnValue");
        if (returnValue is null)
        {
            json.WriteNullValue();
        }
        else
        {
            returnValue.WriteTo(json);
        }

        json.WriteEndObject();
    }

    private static string Unwrap(string text)
    {
        // Only a JSON string literal is a second encoding; anything else ("{…}" in the docs' form, an ISO date)
        // is already the value.
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize(text, TriggerJsonContext.Default.String) ?? text;
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TriggerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
