using System.Diagnostics;
using Hit.Cli.Processes;
using Hit.Cli.Repo;

namespace Hit.Cli.Stack;

/// <summary>
/// The emulators every app runs against locally, started from the repository's pinned npm packages, bound to
/// 127.0.0.1, with data and logs under one per-run folder. Disposing stops every process it started (whole process
/// trees), so a run leaves no orphans.
/// </summary>
internal sealed class LocalStack : IAsyncDisposable
{
    private readonly List<(string Name, Process Process)> _processes = [];

    private LocalStack(StackPorts ports, string runDirectory)
    {
        Ports = ports;
        RunDirectory = runDirectory;
    }

    public StackPorts Ports { get; }

    public string RunDirectory { get; }

    public static async Task<LocalStack> StartAsync(Repository repo, StackPorts ports, string runDirectory, CancellationToken cancellationToken)
    {
        NpmPackages.EnsureInstalledHint(repo);
        await EnsurePortsFreeAsync(ports, cancellationToken);
        Directory.CreateDirectory(runDirectory);
        var stack = new LocalStack(ports, runDirectory);
        try
        {
            var azuriteData = Directory.CreateDirectory(Path.Combine(runDirectory, "azurite")).FullName;
            stack.Start(repo, "azurite", NpmPackages.Bin(repo, "azurite"),
            [
                "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--location", azuriteData,
                "--blobHost", "127.0.0.1", "--blobPort", P(ports.Blob),
                "--queueHost", "127.0.0.1", "--queuePort", P(ports.Queue),
                "--tableHost", "127.0.0.1", "--tablePort", P(ports.Table),
            ]);
            stack.Start(repo, "cosmos", Path.Combine(repo.Root, "tools", "cosmos-server", "server.js"),
                ["--host", "127.0.0.1", "--port", P(ports.Cosmos), "--no-ssl"]);
            stack.Start(repo, "maildev", NpmPackages.Bin(repo, "maildev"),
                ["--ip", "127.0.0.1", "--smtp", P(ports.Smtp), "--web", P(ports.MailWeb), "--silent"]);

            await WaitForPortsAsync(stack, cancellationToken, ports.Blob, ports.Queue, ports.Table, ports.Cosmos, ports.Smtp, ports.MailWeb);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in Enumerable.Reverse(_processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (TimeoutException)
            {
                // Reported by the caller's orphan check; nothing more can be done from here.
            }

            process.Dispose();
        }

        _processes.Clear();
    }

    private void Start(Repository repo, string name, string script, IEnumerable<string> arguments)
    {
        var info = ProcessRunner.StartInfo("node", [script, .. arguments], repo.Root, null);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var log = new StreamWriter(Path.Combine(RunDirectory, name + ".log")) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => Write(log, $"[{name} exited]");
        if (!process.Start())
        {
            throw new CliException($"Could not start {name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((name, process));
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>
    /// Readiness is "the port answers", so a port someone else already holds would pass for a started emulator
    /// while ours died on bind: refuse to start instead.
    /// </summary>
    private static async Task EnsurePortsFreeAsync(StackPorts ports, CancellationToken cancellationToken)
    {
        (string Name, int Port)[] wanted =
        [
            ("Azurite blob", ports.Blob), ("Azurite queue", ports.Queue), ("Azurite table", ports.Table),
            ("Cosmos server", ports.Cosmos), ("maildev SMTP", ports.Smtp), ("maildev web", ports.MailWeb),
        ];
        foreach (var (name, port) in wanted)
        {
            if (await Loopback.IsListeningAsync(port, cancellationToken))
            {
                throw new CliException($"Port {port} ({name}) is already in use — is another ./hit run or ./hit stack running? Stop it, or pick other ports (see --help).");
            }
        }
    }

    private static async Task WaitForPortsAsync(LocalStack stack, CancellationToken cancellationToken, params int[] ports)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (!await Loopback.IsListeningAsync(port, cancellationToken))
            {
                if (stack._processes.FirstOrDefault(p => p.Process.HasExited) is { Name: not null } dead)
                {
                    throw new CliException($"{dead.Name} exited during start-up; see {Path.Combine(stack.RunDirectory, dead.Name + ".log")}.");
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new CliException($"The local stack did not open port {port} within 60 s; logs are in {stack.RunDirectory}.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }


    private static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
