using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hit.Contracts.Directory;

/// <summary>
/// Reads a Discord id (<c>user_id</c>, <c>guild_id</c>) from a JSON string or a JSON number, and writes it as a string.
/// The HackIt seed's clients send the ids as numbers; Discord ids are 64-bit snowflakes, above 2^53, so a number is
/// taken from its token text (never through <see cref="double"/>, which would round it) and kept as that text.
/// Only non-negative whole numbers are ids: a sign, fraction or exponent is refused, so one id has one spelling.
/// </summary>
internal sealed class DiscordIdJsonConverter : JsonConverter<string>
{
    // A 64-bit snowflake has at most 20 digits; anything far longer is not an id (the validator's limit is 64).
    private const int MaxDigits = 64;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                var text = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
                if (text.Length > MaxDigits || text.AsSpan().IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
                {
                    throw new JsonException("must be a string or a non-negative whole number (no sign, fraction or exponent).");
                }

                return Encoding.ASCII.GetString(text);
            default:
                throw new JsonException($"must be a string or a non-negative whole number, not {Describe(reader.TokenType)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };
}
