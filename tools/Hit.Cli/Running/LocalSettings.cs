using System.Text.Json;
using Hit.Cli.Repo;
using Hit.Cli.Stack;

namespace Hit.Cli.Running;

/// <summary>
/// App settings for local runs: <c>local.settings.json</c> when present (yours, never committed), else
/// <c>local.settings.sample.json</c> (committed, working development values for every app). Values that point at
/// the development emulators are rewritten to the ports the stack actually runs on.
/// </summary>
internal static class LocalSettings
{
    public const string FileName = "local.settings.json";
    public const string SampleFileName = "local.settings.sample.json";

    public static (string Source, Dictionary<string, string?> Values) Load(Repository repo, StackPorts ports)
    {
        var file = Path.Combine(repo.Root, FileName);
        if (!File.Exists(file))
        {
            file = Path.Combine(repo.Root, SampleFileName);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(file))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.TryGetProperty("Values", out var section))
            {
                foreach (var property in section.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
        }

        return (Path.GetFileName(file), PointAtStack(values, ports));
    }

    /// <summary>Emulator addresses in settings name the default ports; the stack may run elsewhere.</summary>
    internal static Dictionary<string, string?> PointAtStack(Dictionary<string, string?> values, StackPorts ports)
    {
        foreach (var key in values.Keys.ToList())
        {
            var value = values[key];
            if (value is null)
            {
                continue;
            }

            if (value.Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase) || value.Contains("AccountName=devstoreaccount1", StringComparison.OrdinalIgnoreCase))
            {
                values[key] = ports.StorageConnectionString;
            }
            else if (key.Equals("Cosmos__Endpoint", StringComparison.OrdinalIgnoreCase) && IsLoopback(value))
            {
                values[key] = ports.CosmosEndpoint;
            }
            else if (key.EndsWith("__SmtpPort", StringComparison.OrdinalIgnoreCase))
            {
                values[key] = ports.Smtp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        values.Remove("FUNCTIONS_WORKER_RUNTIME");
        return values;
    }

    private static bool IsLoopback(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");
}
