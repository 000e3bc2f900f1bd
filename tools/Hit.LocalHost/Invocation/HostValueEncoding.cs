using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Hit.LocalHost.Invocation;

/// <summary>
/// Encodes binding values the way ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue
/// does (reference §2): byte[] → base64, DateTime(Offset) → ISO string, dictionaries/objects → JSON object,
/// everything else → <c>JsonConvert.SerializeObject(x)</c>, i.e. a JSON string holding JSON.
/// </summary>
internal static class HostValueEncoding
{
    /// <summary>A string value: <c>hello</c> becomes the JSON string <c>"\"hello\""</c>.</summary>
    public static JsonNode String(string value) => JsonValue.Create(SerializeString(value));

    /// <summary>A long (DequeueCount) becomes <c>"1"</c>.</summary>
    public static JsonNode Long(long value) => JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    public static JsonNode Bytes(ReadOnlySpan<byte> value) => JsonValue.Create(Convert.ToBase64String(value));

    /// <summary>
    /// The host re-parses <c>value.ToString()</c>, which drops sub-second precision, and Newtonsoft then
    /// writes the offset form: <c>2022-06-20T06:00:06+00:00</c>.
    /// </summary>
    public static JsonNode DateTimeOffset(DateTimeOffset value) =>
        JsonValue.Create(FormatIsoDateTimeOffset(new DateTimeOffset(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset)));

    public static string FormatIsoDateTimeOffset(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>Newtonsoft's DateTime (UTC kind) format: <c>2022-06-13T06:00:18.1974545Z</c>.</summary>
    public static string FormatIsoUtc(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The <c>sys</c> binding data object (SystemBindingData) serialized as a JSON object.</summary>
    public static JsonObject Sys(string functionName, DateTime utcNow, Guid randGuid) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = FormatIsoUtc(utcNow),
        ["RandGuid"] = randGuid.ToString("D"),
    };

    /// <summary>
    /// <c>JsonConvert.SerializeObject(string)</c>: quotes plus Newtonsoft's default escaping (control
    /// characters, quote, backslash and the JavaScript line terminators; non-ASCII stays literal).
    /// </summary>
    public static string SerializeString(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\u0085' or '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
