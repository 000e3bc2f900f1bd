using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hit.LocalHost.Invocation;

/// <summary>
/// A trigger's binding data: raw CLR-like values keyed case-insensitively (as in the WebJobs SDK),
/// used both to build the invocation <c>Metadata</c> and to resolve <c>{expressions}</c> in output paths.
/// </summary>
internal sealed partial class BindingData
{
    private readonly OrderedDictionary<string, object> _values = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<KeyValuePair<string, object>> Values => _values;

    /// <summary>Sets a value; an existing key keeps its original spelling (case-insensitive dictionary semantics).</summary>
    public void Set(string key, object value)
    {
        var index = _values.IndexOf(key);
        if (index >= 0)
        {
            _values.SetAt(index, value);
        }
        else
        {
            _values.Add(key, value);
        }
    }

    public bool TryGet(string key, out object? value)
    {
        var found = _values.TryGetValue(key, out var raw);
        value = raw;
        return found;
    }

    /// <summary>
    /// Utility.ApplyBindingData: a trigger string that looks like a JSON object contributes its
    /// top-level non-array properties; objects stay objects, everything else becomes
    /// <c>(string)JValue</c> (numbers as invariant text, booleans as "True"/"False", ISO dates as
    /// invariant DateTime text — Newtonsoft parses them as dates first).
    /// </summary>
    public void ApplyJsonProperties(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{' || trimmed[^1] != '}')
        {
            return;
        }

        JsonObject? parsed;
        try
        {
            parsed = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON after all; the host swallows this too.
            return;
        }

        if (parsed is null)
        {
            return;
        }

        foreach (var (key, node) in parsed)
        {
            switch (node)
            {
                case null:
                case JsonArray:
                    continue;
                case JsonObject obj:
                    Set(key, obj.DeepClone());
                    break;
                case JsonValue value:
                    Set(key, NewtonsoftStringCast(value));
                    break;
            }
        }
    }

    private static string NewtonsoftStringCast(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                return "True";
            case JsonValueKind.False:
                return "False";
            case JsonValueKind.Number:
                var raw = value.ToJsonString();
                if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return integer.ToString(CultureInfo.InvariantCulture);
                }

                return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            default:
                var text = value.GetValue<string>();
                if (IsoDate().IsMatch(text)
                    && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date))
                {
                    // DateTimeZoneHandling.RoundtripKind turns an explicit offset into local time.
                    if (date.Kind == DateTimeKind.Local)
                    {
                        date = date.ToLocalTime();
                    }

                    return date.ToString(CultureInfo.InvariantCulture);
                }

                return text;
        }
    }

    /// <summary>Builds the invocation Metadata: trigger values (keys ending in "trigger") are left out, then <c>sys</c>.</summary>
    public JsonObject ToMetadata(string functionName, DateTime utcNow, Guid randGuid)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in _values)
        {
            if (key.EndsWith("trigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            metadata[key] = Encode(value);
        }

        metadata["sys"] = HostValueEncoding.Sys(functionName, utcNow, randGuid);
        return metadata;
    }

    public static JsonNode? Encode(object? value) => value switch
    {
        null => null,
        string s => HostValueEncoding.String(s),
        long l => HostValueEncoding.Long(l),
        int i => HostValueEncoding.Long(i),
        DateTimeOffset d => HostValueEncoding.DateTimeOffset(d),
        byte[] b => HostValueEncoding.Bytes(b),
        JsonNode node => node.DeepClone(),
        IReadOnlyDictionary<string, string> dictionary => ToObject(dictionary),
        _ => HostValueEncoding.String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> dictionary)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in dictionary)
        {
            obj[key] = value;
        }

        return obj;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}(:?\d{2})?)?$")]
    private static partial Regex IsoDate();
}
