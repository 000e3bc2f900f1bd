using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hit.LocalHost.Invocation;

/// <summary>Resolves <c>{name}</c>-style binding expressions in output paths and queue names from trigger binding data.</summary>
internal static partial class BindingExpressions
{
    public static string Resolve(string template, BindingData bindingData, DateTime utcNow, Guid randGuid) =>
        Expression().Replace(template, match =>
        {
            var key = match.Groups[1].Value;
            if (key.Equals("rand-guid", StringComparison.OrdinalIgnoreCase) || key.Equals("sys.RandGuid", StringComparison.OrdinalIgnoreCase))
            {
                return key.StartsWith("sys", StringComparison.OrdinalIgnoreCase) ? randGuid.ToString("D") : Guid.NewGuid().ToString("D");
            }

            if (key.Equals("DateTime", StringComparison.OrdinalIgnoreCase))
            {
                return utcNow.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", CultureInfo.InvariantCulture);
            }

            if (key.Equals("sys.UtcNow", StringComparison.OrdinalIgnoreCase))
            {
                return HostValueEncoding.FormatIsoUtc(utcNow);
            }

            if (bindingData.TryGet(key, out var value) && value is not null)
            {
                return value switch
                {
                    string s => s,
                    DateTimeOffset d => HostValueEncoding.FormatIsoDateTimeOffset(d),
                    JsonNode node => node.ToJsonString(),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
                };
            }

            throw new InvalidOperationException($"No value for the binding expression '{{{key}}}' in '{template}'.");
        });

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex Expression();
}
