using System.Text.Json.Nodes;

namespace Hit.LocalHost.Tests.Infrastructure;

/// <summary>Writes a Functions app root (host.json + function.json files) into a temp folder, pointing at the test handler.</summary>
internal sealed class AppRootBuilder : IDisposable
{
    private readonly JsonObject _host;

    public AppRootBuilder()
    {
        RootPath = Path.Combine(Path.GetTempPath(), "hit-localhost-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(RootPath);
        _host = new JsonObject
        {
            ["version"] = "2.0",
            ["extensions"] = new JsonObject
            {
                ["http"] = new JsonObject { ["routePrefix"] = "" },
                ["queues"] = new JsonObject
                {
                    ["maxPollingInterval"] = "00:00:00.200",
                    ["visibilityTimeout"] = "00:00:00",
                    ["batchSize"] = 16,
                    ["maxDequeueCount"] = 5,
                    ["messageEncoding"] = "base64",
                },
            },
            ["customHandler"] = new JsonObject
            {
                ["description"] = new JsonObject
                {
                    // "dotnet" is not a file in the app root, so it is looked up on PATH (reference §1).
                    ["defaultExecutablePath"] = "dotnet",
                    ["arguments"] = new JsonArray(TestEnvironment.TestHandlerDll, "--urls", "http://127.0.0.1:%FUNCTIONS_CUSTOMHANDLER_PORT%%UNSET_TOKEN%"),
                },
                ["enableForwardingHttpRequest"] = true,
            },
        };
    }

    public string RootPath { get; }

    public JsonObject Host => _host;

    public JsonObject Queues => (JsonObject)_host["extensions"]!["queues"]!;

    public JsonObject Description => (JsonObject)_host["customHandler"]!["description"]!;

    public AppRootBuilder Function(string name, params JsonObject[] bindings)
    {
        var folder = Path.Combine(RootPath, name);
        Directory.CreateDirectory(folder);
        var root = new JsonObject { ["bindings"] = new JsonArray(bindings.Select(b => (JsonNode)b).ToArray()) };
        File.WriteAllText(Path.Combine(folder, "function.json"), root.ToJsonString());
        return this;
    }

    public AppRootBuilder HttpFunction(string name, string route, params string[] methods) =>
        Function(name, Bindings.HttpTrigger("req", route, methods), Bindings.HttpOut("res"));

    public string Write()
    {
        File.WriteAllText(Path.Combine(RootPath, "host.json"), _host.ToJsonString());
        return RootPath;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(RootPath, recursive: true);
        }
        catch (IOException)
        {
            // A handler that is still shutting down may hold the folder for a moment; temp is cleaned eventually.
        }
    }
}

internal static class Bindings
{
    public static JsonObject HttpTrigger(string name, string route, params string[] methods)
    {
        var binding = new JsonObject
        {
            ["type"] = "httpTrigger", ["direction"] = "in", ["name"] = name, ["authLevel"] = "anonymous", ["route"] = route,
        };
        if (methods.Length > 0)
        {
            binding["methods"] = new JsonArray(methods.Select(m => (JsonNode)JsonValue.Create(m)).ToArray());
        }

        return binding;
    }

    public static JsonObject HttpOut(string name) => new() { ["type"] = "http", ["direction"] = "out", ["name"] = name };

    public static JsonObject QueueTrigger(string name, string queueName) => new()
    {
        ["type"] = "queueTrigger", ["direction"] = "in", ["name"] = name, ["queueName"] = queueName, ["connection"] = "AzureWebJobsStorage",
    };

    public static JsonObject QueueOut(string name, string queueName) => new()
    {
        ["type"] = "queue", ["direction"] = "out", ["name"] = name, ["queueName"] = queueName, ["connection"] = "AzureWebJobsStorage",
    };

    public static JsonObject BlobTrigger(string name, string path) => new()
    {
        ["type"] = "blobTrigger", ["direction"] = "in", ["name"] = name, ["path"] = path, ["connection"] = "AzureWebJobsStorage", ["source"] = "EventGrid",
    };

    public static JsonObject BlobOut(string name, string path) => new()
    {
        ["type"] = "blob", ["direction"] = "out", ["name"] = name, ["path"] = path, ["connection"] = "AzureWebJobsStorage",
    };
}
