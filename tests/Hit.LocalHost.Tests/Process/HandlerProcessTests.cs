using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Hit.LocalHost.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Tests.Process;

/// <summary>Handler process supervision: restart after a crash, the restart budget, and no orphans on stop.</summary>
public sealed class HandlerProcessTests
{
    [Fact]
    public async Task CrashedHandler_IsRestarted_AndServesAgain()
    {
        using var app = new AppRootBuilder();
        app.HttpFunction("Echo", "echo/{*rest}");
        await using var harness = await HostHarness.StartAsync(app.Write());
        var firstPid = harness.Host.HandlerProcessId!.Value;

        (await harness.Handler.PostAsync("/_test/crash", null)).EnsureSuccessStatusCode();

        var secondPid = await Eventually.UntilAsync<int?>(() =>
            Task.FromResult(harness.Host.HandlerProcessId is { } pid && pid != firstPid ? pid : (int?)null), TimeSpan.FromSeconds(10), "a new handler process");
        using var response = await harness.Client.GetAsync("/echo/after-crash");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(IsAlive(firstPid));
        Assert.True(IsAlive(secondPid!.Value));
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("exited unexpectedly", StringComparison.Ordinal));
        Assert.False(harness.Host.Completion.IsCompleted);
    }

    [Fact]
    public async Task ThreeCrashesWithinWindow_StopTheHostWithClearError()
    {
        using var app = new AppRootBuilder();
        app.HttpFunction("Echo", "echo/{*rest}");
        await using var harness = await HostHarness.StartAsync(app.Write());

        for (var crash = 0; crash < 3; crash++)
        {
            var pid = harness.Host.HandlerProcessId;
            if (crash > 0)
            {
                // Wait for the restarted handler before crashing it again.
                using var ok = await harness.Client.GetAsync("/echo/ping");
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }

            using var handler = new HttpClient { BaseAddress = harness.Host.HandlerAddress };
            (await handler.PostAsync("/_test/crash", null)).EnsureSuccessStatusCode();
            await Eventually.UntilAsync<string>(() => Task.FromResult(harness.Host.HandlerProcessId != pid ? "changed" : null), TimeSpan.FromSeconds(10), "handler exit");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Host.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("Exceeded http worker restart retry count", error.Message, StringComparison.Ordinal);
        Assert.Null(harness.Host.HandlerProcessId);
    }

    [Fact]
    public async Task Stop_KillsHandlerProcessTree_ThroughShellWrapper()
    {
        using var app = new AppRootBuilder();
        // A relative script in the app root without the execute bit: the host must chmod it, and killing
        // only the shell would orphan the dotnet child and its own children.
        var script = Path.Combine(app.RootPath, "run.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ndotnet \"{TestEnvironment.TestHandlerDll}\" \"$@\"\n");
        app.Description["defaultExecutablePath"] = "run.sh";
        app.Description["arguments"] = new JsonArray("--urls", "http://127.0.0.1:%FUNCTIONS_CUSTOMHANDLER_PORT%");
        app.HttpFunction("Echo", "echo/{*rest}");
        var harness = await HostHarness.StartAsync(app.Write());
        var shellPid = harness.Host.HandlerProcessId!.Value;
        var handlerPid = int.Parse(await harness.Handler.GetStringAsync("/_test/pid"), CultureInfo.InvariantCulture);
        var grandchildPid = int.Parse(await (await harness.Handler.PostAsync("/_test/spawn", null)).Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
        Assert.NotEqual(shellPid, handlerPid);
        Assert.True(IsAlive(grandchildPid));

        await harness.DisposeAsync();

        await Eventually.UntilAsync(() => Task.FromResult(!IsAlive(shellPid) && !IsAlive(handlerPid) && !IsAlive(grandchildPid) ? "gone" : null),
            TimeSpan.FromSeconds(5), "the handler process tree to exit");
        Assert.Null(harness.Host.HandlerProcessId);
    }

    [Fact]
    public async Task HandlerOutput_IsRelayedWithHostLogLevels()
    {
        using var app = new AppRootBuilder();
        app.HttpFunction("Echo", "echo/{*rest}");
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_WRITE_OUTPUT"] = "true" });

        await Eventually.UntilAsync(() => Task.FromResult(harness.Logger.Entries.Count(e => e.Message.Contains("from handler", StringComparison.Ordinal)) >= 3 ? "all" : null),
            TimeSpan.FromSeconds(5), "relayed handler output");
        var entries = harness.Logger.Entries;
        Assert.Contains(entries, e => e.Level == LogLevel.Information && e.Message == "stdout line from handler");
        Assert.Contains(entries, e => e.Level == LogLevel.Warning && e.Message == "warn: stderr warning from handler");
        Assert.Contains(entries, e => e.Level == LogLevel.Error && e.Message == "stderr failure from handler");
    }

    [Fact]
    public async Task DisabledFunction_IsNotServed()
    {
        using var app = new AppRootBuilder();
        app.HttpFunction("Echo", "echo/{*rest}").HttpFunction("Hidden", "hidden");
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["AzureWebJobs.Hidden.Disabled"] = "true" });

        using var hidden = await harness.Client.GetAsync("/hidden");
        using var echo = await harness.Client.GetAsync("/echo/x");

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
    }

    /// <summary>Alive = has a /proc entry that is not a zombie (a killed child may linger as Z until reaped).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
