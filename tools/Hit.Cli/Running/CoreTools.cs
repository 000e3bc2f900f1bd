using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.Cli.Processes;

namespace Hit.Cli.Running;

/// <summary>
/// <c>hit run --func</c>: one <c>func start</c> per built app root, for people who have Azure Functions Core Tools.
/// The app root gets a local.settings.json with the run's settings (Core Tools reads settings only from there).
/// </summary>
internal sealed class CoreTools : IAsyncDisposable
{
    private readonly Process _process;

    private CoreTools(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Completion = process.WaitForExitAsync();
    }

    public Uri BaseAddress { get; }

    public Task Completion { get; }

    public static async Task<CoreTools> StartAsync(string appRoot, string appName, IReadOnlyDictionary<string, string?> settings, string runDirectory, CancellationToken cancellationToken)
    {
        var values = new JsonObject { ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        await File.WriteAllTextAsync(Path.Combine(appRoot, "local.settings.json"),
            new JsonObject { ["IsEncrypted"] = false, ["Values"] = values }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);

        var port = Loopback.FreePort();
        var info = ProcessRunner.StartInfo("func", ["start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], appRoot, null);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var log = new StreamWriter(Path.Combine(runDirectory, $"func-{appName}.log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var tools = new CoreTools(process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = Stopwatch.StartNew();
        while (!await Loopback.IsListeningAsync(port, cancellationToken))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await tools.DisposeAsync();
                throw new CliException($"func start for {appName} did not come up; see {Path.Combine(runDirectory, $"func-{appName}.log")}.");
            }

            await Task.Delay(200, cancellationToken);
        }

        return tools;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }


}
