using Hit.Cli;
using Hit.Cli.Building;
using Hit.Cli.Repo;
using Hit.Cli.Running;
using Hit.Cli.Stack;
using Hit.Cli.Testing;

namespace Hit.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hit-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Trx(int total, int passed, int failed, int notExecuted, int error = 0) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <ResultSummary outcome="Completed">
            <Counters total="{total}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="{error}" timeout="0" aborted="0" inconclusive="0" notExecuted="{notExecuted}" />
          </ResultSummary>
        </TestRun>
        """;

    [Fact]
    public void TrxSummary_SumsEveryResultFile()
    {
        File.WriteAllText(Path.Combine(_dir, "a.trx"), Trx(10, 9, 1, 0));
        Directory.CreateDirectory(Path.Combine(_dir, "nested"));
        File.WriteAllText(Path.Combine(_dir, "nested", "b.trx"), Trx(5, 3, 0, 2, error: 1));

        var summary = TrxSummary.Read(_dir);

        Assert.Equal(new TrxSummary(12, 2, 2, 2), summary);
        Assert.Equal("12 passed, 2 failed, 2 skipped", summary.ToString());
        Assert.Equal("3 passed, 0 failed", new TrxSummary(3, 0, 0, 1).ToString());
    }

    [Fact]
    public void TrxSummary_NoResults_IsZero() =>
        Assert.Equal(new TrxSummary(0, 0, 0, 0), TrxSummary.Read(Path.Combine(_dir, "missing")));

    [Fact]
    public void LocalSettings_EmulatorAddresses_PointAtTheRunningStack()
    {
        var ports = new StackPorts(Blob: 21000, Queue: 21001, Table: 21002, Cosmos: 21081);
        var values = new Dictionary<string, string?>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "Custom",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Cosmos__Endpoint"] = "http://127.0.0.1:8081/",
            ["Other__Endpoint"] = "https://example.documents.azure.com/",
            ["Plain"] = "value",
        };

        var result = LocalSettings.PointAtStack(values, ports);

        Assert.Contains("BlobEndpoint=http://127.0.0.1:21000/devstoreaccount1", result["AzureWebJobsStorage"], StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:21081/", result["Cosmos__Endpoint"]);
        Assert.Equal("https://example.documents.azure.com/", result["Other__Endpoint"]);
        Assert.Equal("value", result["Plain"]);
        // The runtime is the app root's (worker.config.json; functionAppConfig.runtime on Flex), not an app setting to forward.
        Assert.False(result.ContainsKey("FUNCTIONS_WORKER_RUNTIME"));
    }

    [Fact]
    public void LocalSettings_GatewayAddresses_FollowRunPort_InTheCommittedSample()
    {
        // The committed sample, as ./hit run reads it: issuer, JWKS URL and public base URLs name the gateway.
        var sample = Path.Combine(Hit.Testing.TestStack.RepositoryRoot, LocalSettings.SampleFileName);
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(sample))!["Values"]!.AsObject()
            .ToDictionary(p => p.Key, p => (string?)p.Value!.ToString(), StringComparer.OrdinalIgnoreCase);
        Assert.Contains(values.Values, v => v?.Contains(":7071", StringComparison.Ordinal) == true);

        var moved = LocalSettings.PointAtGateway(new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase), 7300);

        Assert.DoesNotContain(moved.Values, v => v?.Contains(":7071", StringComparison.Ordinal) == true);
        Assert.Equal("http://127.0.0.1:7300", moved["HitAuth__Issuer"]);
        Assert.Equal("http://127.0.0.1:7300/auth/.well-known/jwks.json", moved["HitAuth__JwksUrl"]);
        // Everything else is untouched (the SMTP port, secrets, the OAuth client's own redirect on :3000).
        Assert.All(values.Where(v => v.Value?.Contains(":7071", StringComparison.Ordinal) != true), v => Assert.Equal(v.Value, moved[v.Key]));
        Assert.Equal(values, LocalSettings.PointAtGateway(new Dictionary<string, string?>(values), LocalSettings.DefaultGatewayPort));
    }

    [Fact]
    public void LocalSettings_RealAzureEndpoints_AreLeftAlone()
    {
        var values = new Dictionary<string, string?>
        {
            ["Cosmos__Endpoint"] = "https://acct.documents.azure.com:443/",
            ["AzureWebJobsStorage__blobServiceUri"] = "https://acct.blob.core.windows.net",
        };

        var result = LocalSettings.PointAtStack(new Dictionary<string, string?>(values), new StackPorts());

        Assert.Equal(values, result);
    }

    [Fact]
    public void ModuleManifest_LoadsAppsAndSelectsByNameOrFolder()
    {
        var repo = FakeRepo(("PingPong", "name: pingpong\nproject: PingPong.csproj\n"), ("Files", "name: files\nproject: Files.csproj\nextra: ignored\n"));

        var all = ModuleManifest.LoadAll(repo);

        Assert.Equal(["files", "pingpong"], all.Select(m => m.Name));
        Assert.Equal(["pingpong"], ModuleManifest.Select(all, ["PingPong"]).Select(m => m.Name));
        Assert.Equal(["files"], ModuleManifest.Select(all, ["FILES"]).Select(m => m.Name));
        Assert.Equal(2, ModuleManifest.Select(all, []).Count);
        var error = Assert.Throws<CliException>(() => ModuleManifest.Select(all, ["nope"]));
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModuleManifest_MissingProject_IsAClearError()
    {
        var repo = FakeRepo(("Broken", "name: broken\nproject: Missing.csproj\n"));

        var error = Assert.Throws<CliException>(() => ModuleManifest.LoadAll(repo));

        Assert.Contains("hit-module.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsWorkerProject_OnlyForProjectsOnTheWorkerSdk()
    {
        var worker = Path.Combine(_dir, "Worker.csproj");
        File.WriteAllText(worker, "<Project><ItemGroup><PackageReference Include=\"Microsoft.Azure.Functions.Worker.Sdk\" /></ItemGroup></Project>");
        var plain = Path.Combine(_dir, "Plain.csproj");
        File.WriteAllText(plain, "<Project><ItemGroup><PackageReference Include=\"Microsoft.Azure.Functions.Worker\" /></ItemGroup></Project>");

        Assert.True(AppBuilder.IsWorkerProject(worker));
        Assert.False(AppBuilder.IsWorkerProject(plain));
    }

    [Fact]
    public void StackPorts_TestEnvironment_DescribesTheStack()
    {
        var env = new StackPorts(Blob: 1, Queue: 2, Table: 3, Cosmos: 4, Smtp: 5, MailWeb: 6).TestEnvironment();

        Assert.Contains("QueueEndpoint=http://127.0.0.1:2/devstoreaccount1", env["HIT_STORAGE_CONNECTION"], StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:4/", env["HIT_COSMOS_ENDPOINT"]);
        Assert.Equal("http://127.0.0.1:6", env["HIT_MAILDEV_URL"]);
        Assert.Equal("5", env["HIT_SMTP_PORT"]);
    }

    [Fact]
    public async Task LocalStack_PortAlreadyInUse_RefusesToStartAndNamesIt()
    {
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var busy = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var ports = StackPorts.Free() with { Cosmos = busy };
        var repo = Repository.Locate();

        var error = await Assert.ThrowsAsync<CliException>(() => LocalStack.StartAsync(repo, ports, Path.Combine(_dir, "run"), CancellationToken.None));

        Assert.Contains($"Port {busy} (Cosmos server)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")), "nothing is started or written when a port is taken");
    }

    private Repository FakeRepo(params (string Folder, string Yaml)[] apps)
    {
        foreach (var (folder, yaml) in apps)
        {
            var dir = Directory.CreateDirectory(Path.Combine(_dir, "functions", folder)).FullName;
            File.WriteAllText(Path.Combine(dir, "hit-module.yaml"), yaml);
            var project = yaml.Split('\n').First(l => l.StartsWith("project:", StringComparison.Ordinal))["project:".Length..].Trim();
            if (folder != "Broken")
            {
                File.WriteAllText(Path.Combine(dir, project), "<Project />");
            }
        }

        return new Repository(_dir);
    }
}
