using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Infra.Tests.Consistency;

/// <summary>
/// infra/bicep compiled by the real Bicep compiler (Azure.Bicep.CommandLine from NuGet): a template Azure would reject
/// fails here, not at deploy time. The consistency checks read the sources; this proves they compile.
/// </summary>
public sealed class BicepBuildTests
{
    private static readonly string Bicep = typeof(BicepBuildTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    [Fact]
    public async Task MainTemplate_Compiles_AndEveryAppRunsOnTheIsolatedWorker()
    {
        var (code, stdout, stderr) = await RunAsync("build", RepoRoot.Combine("infra", "bicep", "main.bicep"), "--stdout");

        Assert.True(code == 0, $"bicep build failed ({code}):\n{stderr}");
        Assert.DoesNotContain("Error ", stderr, StringComparison.Ordinal);
        var template = JsonNode.Parse(stdout)!;
        // The runtime lives in the functionApp module's nested template; it must be the .NET isolated worker.
        var text = template.ToJsonString();
        Assert.Contains("\"name\":\"dotnet-isolated\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\":\"custom\"", text, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Bicep) & UnixFileMode.UserExecute) == 0)
        {
            // NuGet extracts package files without the execute bit.
            File.SetUnixFileMode(Bicep, File.GetUnixFileMode(Bicep) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(Bicep) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The compiler checks for updates and collects telemetry unless told not to; neither is reachable here.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
