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

    /// <summary>The gateway address the sample settings are written for (<c>./hit run</c>'s default port).</summary>
    public const int DefaultGatewayPort = 7071;

    /// <summary>
    /// Settings that name the gateway (token issuer, JWKS URL, public base URLs, the Files address Resumes calls) name
    /// its default port; <c>./hit run --port N</c> moves them to N, so tokens carry the issuer clients really call
    /// and apps fetch keys where the auth app really is.
    /// </summary>
    internal static Dictionary<string, string?> PointAtGateway(Dictionary<string, string?> values, int port)
    {
        if (port is <= 0 or DefaultGatewayPort)
        {
            return values;
        }

        var target = $"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        foreach (var key in values.Keys.ToList())
        {
            if (values[key] is not { } value)
            {
                continue;
            }

            foreach (var origin in (string[])[$"http://127.0.0.1:{DefaultGatewayPort}", $"http://localhost:{DefaultGatewayPort}"])
            {
                if (value.Equals(origin, StringComparison.OrdinalIgnoreCase) || value.StartsWith(origin + "/", StringComparison.OrdinalIgnoreCase))
                {
                    values[key] = target + value[origin.Length..];
                    break;
                }
            }
        }

        return values;
    }

    private static bool IsLoopback(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");
}
