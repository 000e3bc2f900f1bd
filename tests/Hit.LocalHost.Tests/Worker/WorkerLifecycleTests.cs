using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.Gateway;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Worker;

/// <summary>Start, stop, disabled functions, changed blobs and the gateway index for worker app roots.</summary>
public sealed partial class WorkerLifecycleTests
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial System.Text.RegularExpressions.Regex PidInMessage();

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Stop_EndsTheWorkerProcess()
    {
        var worker = await WorkerHarness.StartAsync();
        var pid = worker.Host.HandlerProcessId!.Value;
        using var process = System.Diagnostics.Process.GetProcessById(pid);

        await worker.DisposeAsync();

        // WorkerTerminate, then a kill after the grace period: either way the process is gone when stop returns.
        Assert.True(process.HasExited);
        Assert.Null(worker.Host.HandlerProcessId);
    }

    [Fact]
    public async Task DisabledFunction_IsNeitherLoadedNorServed()
    {
        await using var worker = await WorkerHarness.StartAsync(extraSettings: new() { ["AzureWebJobs.Typed.Disabled"] = "true" });

        Assert.DoesNotContain("Typed", worker.Host.Functions);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Client.GetAsync("/items/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.Client.GetAsync("/echo/still-here")).StatusCode);
    }

    [Fact]
    public async Task ReplacedBlob_NewETag_RunsAgain()
    {
        await using var worker = await WorkerHarness.StartAsync();
        var name = "doc-" + Guid.NewGuid().ToString("N");
        var blob = worker.Container.GetBlobClient(name);

        await blob.UploadAsync(BinaryData.FromString("version one"));
        await worker.WaitForRecordsAsync("BlobWatch", 1);
        await blob.UploadAsync(BinaryData.FromString("version two"), overwrite: true);

        var records = await worker.WaitForRecordsAsync("BlobWatch", 2);
        Assert.Equal(["version one", "version two"], records.Select(r => (string)r["content"]!));
    }

    [Fact]
    public async Task WorkerThatNeverConnects_FailsStartWithinTheStartTimeout()
    {
        var root = Directory.CreateTempSubdirectory("hit-silent-worker").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "host.json"), """{"version":"2.0"}""");
            // A process that lives but never opens the event stream (the host's arguments land in $0, $1, … of sh -c).
            await File.WriteAllTextAsync(Path.Combine(root, "worker.config.json"),
                """{"description":{"language":"dotnet-isolated","defaultExecutablePath":"/bin/sh","arguments":["-c","sleep 30"]}}""");
            await using var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
            {
                AppRoot = root,
                WorkerStartTimeout = TimeSpan.FromSeconds(2),
                Logger = new CapturingLogger(),
            });
            var stopwatch = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<TimeoutException>(() => host.StartAsync());

            // It gave up because of its start timeout (named in the error), not before it, and the silent process is gone.
            Assert.Contains("did not connect and load its functions within 00:00:02", error.Message, StringComparison.Ordinal);
            Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(2), $"gave up after {stopwatch.Elapsed}");
            Assert.Null(host.HandlerProcessId);
            var pid = int.Parse(PidInMessage().Match(error.Message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(HasExited(pid), $"the worker process {pid} still runs");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task GatewayIndex_ListsWorkerApps()
    {
        await using var worker = await WorkerHarness.StartAsync();
        await using var gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
        gateway.AddApp(worker.Host);
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var index = (await client.GetFromJsonAsync<JsonObject>("/"))!;

        var app = index["apps"]!.AsArray().Single()!;
        Assert.Equal(worker.Host.AppName, (string?)app["name"]);
        Assert.Equal(new Uri(gateway.BaseAddress, worker.Host.AppName + "/").AbsoluteUri, (string?)app["url"]);
    }

    [Fact]
    public async Task Gateway_ProxiesAnAppByUrl_KeepingTheEncodedPathQueryAndBody()
    {
        // Apps given by URL (./hit run --func: Core Tools hosts) are proxied over HTTP, not run in-process.
        await using var worker = await WorkerHarness.StartAsync();
        await using var gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
        gateway.AddApp("remote", worker.Host.BaseAddress);
        gateway.AddApp("other", new Uri("http://127.0.0.1:9/"));
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        using var response = await client.PostAsync("/remote/echo/a%20b?x=1&y=2", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("a b", (string?)echo["id"]);
        Assert.Equal("/remote", (string?)echo["pathBase"]);
        Assert.Equal("2", (string?)echo["query"]!["y"]);
        Assert.Equal(3, (int)echo["bodyLength"]!);
        var names = (await client.GetFromJsonAsync<JsonObject>("/"))!["apps"]!.AsArray().Select(a => (string?)a!["name"]).ToList();
        Assert.Equal(["other", "remote"], names);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/remote/not-declared")).StatusCode);
    }
}
