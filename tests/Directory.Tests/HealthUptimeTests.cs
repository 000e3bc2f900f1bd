using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost;

namespace Hit.Directory.Tests;

/// <summary>
/// <c>uptime_seconds</c> against a host of its own, so no other test's request is the first one it serves: an uptime
/// counted from the first request (or from when a function class was created) would then be visibly too small.
/// </summary>
public sealed class HealthUptimeTests
{
    [Fact]
    public async Task Health_ReportsTheProcessUptime_NotTheTimeSinceTheFirstRequest()
    {
        await using var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = DirectoryHostFixture.AppRoot,
            AppName = "directory",
            Settings = DirectoryHostFixture.Settings(),
        });
        await host.StartAsync();
        // The worker process runs from before StartAsync returns: its uptime is at least the time measured from here.
        var running = Stopwatch.StartNew();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        // Let the process age well past a request's duration before the first request reaches it.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var firstAge = running.Elapsed.TotalSeconds;
        var first = await UptimeAsync(client);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var secondAge = running.Elapsed.TotalSeconds;
        var second = await UptimeAsync(client);

        Assert.True(first >= firstAge, $"uptime {first} s on the first request, but the process has run at least {firstAge:F3} s");
        Assert.True(second >= secondAge, $"uptime {second} s on the second request, but the process has run at least {secondAge:F3} s");
        Assert.True(second > first, $"uptime went from {first} s to {second} s");
    }

    private static async Task<double> UptimeAsync(HttpClient client)
    {
        var health = (await client.GetFromJsonAsync<JsonObject>(new Uri("health", UriKind.Relative)))!;
        return (double)health["data"]!["uptime_seconds"]!;
    }
}
