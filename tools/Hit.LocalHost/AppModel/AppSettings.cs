using System.Text.RegularExpressions;

namespace Hit.LocalHost.AppModel;

/// <summary>App settings as the host sees them: the given settings first, then the process environment.</summary>
internal sealed partial class AppSettings(IReadOnlyDictionary<string, string?> settings)
{
    public IReadOnlyDictionary<string, string?> Values { get; } = settings;

    public string? Get(string name)
    {
        if (Values.TryGetValue(name, out var value) && value is not null)
        {
            return value;
        }

        // The host reads settings through configuration, where "Email:Queue" is the setting "Email__Queue".
        if (name.Contains(':', StringComparison.Ordinal) && Values.TryGetValue(name.Replace(":", "__", StringComparison.Ordinal), out value) && value is not null)
        {
            return value;
        }

        // Settings like "AzureWebJobsStorage" may also be spelt with "__" for ":" in the environment.
        return Environment.GetEnvironmentVariable(name) ?? Environment.GetEnvironmentVariable(name.Replace(":", "__", StringComparison.Ordinal));
    }

    /// <summary>Resolves a binding's <c>connection</c> the way the WebJobs SDK does: the name, then AzureWebJobs-prefixed.</summary>
    public string GetStorageConnectionString(string? connectionName)
    {
        var name = string.IsNullOrEmpty(connectionName) ? "AzureWebJobsStorage" : connectionName;
        return Get(name) ?? Get("AzureWebJobs" + name)
            ?? throw new InvalidOperationException($"Storage connection setting '{name}' is not defined in the app settings.");
    }

    /// <summary>Replaces <c>%Setting%</c> expressions in binding properties (queueName, path).</summary>
    public string ResolvePercentExpressions(string value) =>
        PercentExpression().Replace(value, m => Get(m.Groups[1].Value)
            ?? throw new InvalidOperationException($"App setting '{m.Groups[1].Value}' referenced by '{value}' is not defined."));

    [GeneratedRegex("%([^%\\s]+)%")]
    private static partial Regex PercentExpression();
}
