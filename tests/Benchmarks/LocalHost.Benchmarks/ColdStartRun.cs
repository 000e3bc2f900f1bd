using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Hit.LocalHost;
using Hit.LocalHost.Worker;
using Microsoft.Extensions.Logging;

namespace LocalHost.Benchmarks;

/// <summary>
/// <c>--cold-start [starts] [--wait-for-worker-port] [label=appRoot | build]…</c>: for each app root, <c>starts</c>
/// times, the time from calling <see cref="LocalFunctionsHost.StartAsync"/> (which starts the worker process) to the
/// first 200 from <c>GET /pid</c> through the host, split into StartAsync and what follows. A non-200 is retried every
/// 10 ms. The roots take turns, start by start, after one discarded start each (it JITs the host's own code and warms
/// the file cache); ratios are to the first root. <c>build</c> is the TestWorker's build output.
/// <c>--wait-for-worker-port</c> waits, after StartAsync, until the worker's own HTTP port accepts connections before
/// the first GET (see <see cref="WorkerPort"/>): what the host would measure if it waited for that port itself.
/// </summary>
internal static class ColdStartRun
{
    private static readonly TimeSpan FirstResponseTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(int starts, IReadOnlyList<string> arguments)
    {
        var waitForPort = arguments.Contains("--wait-for-worker-port");
        var rootArguments = arguments.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var roots = (rootArguments.Count == 0 ? ["build"] : rootArguments).Select(ParseRoot).ToList();
        var samples = roots.Select(_ => new List<Sample>(starts)).ToArray();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false });

        var loadBefore = Machine.LoadAverage();
        for (var start = -1; start < starts; start++)
        {
            for (var i = 0; i < roots.Count; i++)
            {
                var sample = await StartOnceAsync(roots[i].Path, client, waitForPort);
                if (start >= 0)
                {
                    samples[i].Add(sample);
                }

                // Let the stopped worker's exit and the sockets it held settle before the next start is timed.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{starts} timed starts per app root (+1 discarded){(waitForPort ? ", waiting for the worker's port before the first GET" : string.Empty)}, {Environment.ProcessorCount} cores; load average before {loadBefore}, after {Machine.LoadAverage()}"));
        Console.WriteLine("| app root | to first 200, median ms | min | max | StartAsync median | of which worker spawn → loaded | then to worker port open | then GETs to first 200 | total ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var baseline = Median(samples[0].Select(s => s.Total));
        foreach (var (root, sample) in roots.Zip(samples))
        {
            var total = sample.Select(s => s.Total).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {root.Label} | {Median(total):F0} | {total.Min():F0} | {total.Max():F0} | {Median(sample.Select(s => s.StartAsync)):F0} | {Median(sample.Select(s => s.WorkerReady)):F0} | {(waitForPort ? Median(sample.Select(s => s.PortOpen)).ToString("F0", CultureInfo.InvariantCulture) : "–")} | {Median(sample.Select(s => (double)s.Requests)):F0} | {Median(total) / baseline:F2} |"));
        }

        Console.WriteLine();
        foreach (var (root, sample) in roots.Zip(samples))
        {
            Console.WriteLine($"{root.Label} ({root.Path}), ms to first 200 (statuses on the way): "
                + string.Join(", ", sample.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Total:F0} ({s.Statuses})"))));
        }
    }

    private static (string Label, string Path) ParseRoot(string argument)
    {
        if (argument == "build")
        {
            return ("build", WorkerHttpBenchmarks.TestWorkerRoot);
        }

        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? (argument[..equals], Path.GetFullPath(argument[(equals + 1)..]))
            : throw new ArgumentException($"'{argument}': expected label=appRoot or build.");
    }

    private static async Task<Sample> StartOnceAsync(string appRoot, HttpClient client, bool waitForPort)
    {
        var logger = new StartLogger();
        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = appRoot,
            AppName = WorkerHttpBenchmarks.AppName,
            Settings = WorkerHttpBenchmarks.Settings(),
            Logger = logger,
        });
        await using (host)
        {
            var begun = Stopwatch.GetTimestamp();
            try
            {
                await host.StartAsync();
            }
            catch (Exception ex) when (ex is TimeoutException or WorkerUnavailableException)
            {
                throw new InvalidOperationException($"{appRoot} did not start:\n{logger.Problems()}", ex);
            }

            var started = Stopwatch.GetElapsedTime(begun);
            var portOpen = waitForPort ? (await WorkerPort.WaitUntilListeningAsync(host.HandlerAddress, FirstResponseTimeout)).TotalMilliseconds : double.NaN;
            var pid = new Uri(host.BaseAddress, "pid");
            var statuses = new List<int>();
            while (true)
            {
                using var response = await client.GetAsync(pid);
                statuses.Add((int)response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var total = Stopwatch.GetElapsedTime(begun);
                    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    if (answer.RootElement.GetProperty("pid").GetInt32() != host.HandlerProcessId)
                    {
                        throw new InvalidOperationException($"GET /pid answered {answer.RootElement}, but the host started worker pid {host.HandlerProcessId}.");
                    }

                    return new Sample(total.TotalMilliseconds, started.TotalMilliseconds, logger.WorkerReadyMilliseconds, portOpen, statuses.Count, string.Join(',', statuses));
                }

                if (Stopwatch.GetElapsedTime(begun) > FirstResponseTimeout)
                {
                    throw new InvalidOperationException($"{appRoot}: no 200 from GET /pid within {FirstResponseTimeout} ({string.Join(',', statuses)}):\n{logger.Problems()}");
                }

                await Task.Delay(10);
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Sample(double Total, double StartAsync, double WorkerReady, double PortOpen, int Requests, string Statuses);

    /// <summary>
    /// Picks the supervisor's own "loaded N functions after X ms" (event 323, timed from spawning the worker) out of the
    /// host log, and keeps warnings and errors (the worker's stderr among them) for a failed start.
    /// </summary>
    private sealed class StartLogger : ILogger
    {
        private const int WorkerReadyEvent = 323;
        private readonly ConcurrentQueue<string> _problems = new();

        public double WorkerReadyMilliseconds { get; private set; } = double.NaN;

        public string Problems() => string.Join('\n', _problems);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == WorkerReadyEvent && state is IReadOnlyList<KeyValuePair<string, object?>> values
                && values.FirstOrDefault(v => v.Key == "ElapsedMilliseconds").Value is long elapsed)
            {
                WorkerReadyMilliseconds = elapsed;
            }
            else if (logLevel >= LogLevel.Warning)
            {
                _problems.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
            }
        }
    }
}
