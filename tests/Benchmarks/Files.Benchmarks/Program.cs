using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Hit.Contracts.Files;
using Hit.Files.Thumbnails;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Testing;
using Microsoft.Extensions.Logging;

// End-to-end thumbnail throughput: uploads through the gateway and the local Functions host (the built app root),
// until the blob trigger has made every thumbnail set, against a reference measured in the same run — the same
// thumbnail work done in-process with nothing but libvips (VipsThumbnailer). Run under `./hit stack` (see README.md).
// `--in-process FILE [--runs N]` only times VipsThumbnailer on FILE (the Files sizes) and exits: the per-image figures.
VipsThumbnailer.Configure(2);
if (Array.IndexOf(args, "--in-process") is var at and >= 0)
{
    var input = await File.ReadAllBytesAsync(args[at + 1]);
    var times = InProcess(input, Option("--runs", 10));
    Console.WriteLine(FormattableString.Invariant(
        $"{Path.GetFileName(args[at + 1])}: median {Percentile(times, 0.5):F1} ms, min {times[0]:F1} ms over {times.Count}; peak working set {PeakWorkingSetMiB()} MiB"));
    return;
}

var uploads = Option("--uploads", 60);
var concurrency = Option("--concurrency", 4);
var width = Option("--width", 2000);
var height = Option("--height", 1500);

var image = Photo(width, height);
Console.WriteLine($"input: {width}x{height} JPEG, {image.Length / 1024} KiB; {uploads} uploads, {concurrency} at a time; {Environment.ProcessorCount} cores");

// Reference: the trigger's libvips work (fit 128/256/1024 + 256 cover, one open) with the same parallelism, and one at a time.
var reference = await ImagingOnlyAsync(image, uploads, concurrency);
var inProcess = InProcess(image, 20);
Console.WriteLine(FormattableString.Invariant($"imaging only (in-process): {reference:F2} images/s; one image at a time p50 {Percentile(inProcess, 0.5):F1} ms"));

var log = new LineLog();
await using var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
{
    AppRoot = TestStack.AppRoot("Files"),
    AppName = "files",
    Settings = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-bench")))
    {
        ["Logging__LogLevel__Default"] = "Warning",
        // The trigger's per-invocation "ready … (imaging N ms)" line, relayed by the host, is what the benchmark reads.
        ["Logging__LogLevel__Hit.Files.Thumbnails.ThumbnailFunctions"] = "Information",
    },
    BlobPollingInterval = TimeSpan.FromMilliseconds(100),
    Logger = log,
});
await host.StartAsync();
await using var gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
gateway.AddApp(host);
await gateway.StartAsync();
using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "files/"), Timeout = TimeSpan.FromMinutes(2) };
client.DefaultRequestHeaders.Add("X-Hit-Namespace", "bench" + Guid.NewGuid().ToString("N")[..12]);

await RunAsync(3, 1); // warm-up: JIT, Cosmos container, first connections
log.Clear();
var cpu = new CpuAccount(host.HandlerProcessId!.Value);
var (wall, latencies) = await RunAsync(uploads, concurrency);
var cpuUsed = cpu.Used();
var throughput = uploads / wall.TotalSeconds;
var invocations = log.Invocations();
var invocationMs = invocations.Sum(i => i.TotalMs);
var imagingMs = invocations.Sum(i => i.ImagingMs);
latencies.Sort();
Console.WriteLine(FormattableString.Invariant($"end to end: {throughput:F2} uploads/s ({uploads} in {wall.TotalSeconds:F1} s); latency upload→ready p50 {Percentile(latencies, 0.5):F0} ms, p90 {Percentile(latencies, 0.9):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms"));
Console.WriteLine(FormattableString.Invariant($"ratio end-to-end p50 / in-process time: {Percentile(latencies, 0.5) / Percentile(inProcess, 0.5):F2}"));
Console.WriteLine(FormattableString.Invariant($"ratio end-to-end / imaging-only throughput: {throughput / reference:F2}"));
Console.WriteLine(FormattableString.Invariant($"libvips share of the trigger invocation time: {100 * imagingMs / invocationMs:F0} % ({imagingMs / invocations.Count:F0} of {invocationMs / invocations.Count:F0} ms per file)"));
Console.WriteLine(FormattableString.Invariant($"libvips share of upload→ready latency (mean): {100 * imagingMs / latencies.Sum():F0} %"));
// Wall time inside the function is inflated by waiting for a core; CPU time is not. The imaging CPU per image comes from
// the reference (its throughput on all cores), the rest from /proc for every process of the pipeline.
var imagingCpuPerImage = Environment.ProcessorCount * 1000.0 / reference;
var totalCpu = cpuUsed.Values.Sum();
Console.WriteLine(FormattableString.Invariant($"CPU per upload: {totalCpu / uploads:F0} ms in all ({string.Join(", ", cpuUsed.Select(p => $"{p.Key} {p.Value / uploads:F0}"))}); libvips ≈ {imagingCpuPerImage:F0} ms = {100 * imagingCpuPerImage * uploads / totalCpu:F0} %"));

// Unloaded latency: one upload at a time, each waited for, so no queueing behind a burst.
var single = new List<double>();
for (var i = 0; i < 10; i++)
{
    log.Clear();
    single.AddRange((await RunAsync(1, 1)).Latencies);
}

single.Sort();
Console.WriteLine(FormattableString.Invariant($"unloaded latency upload→ready (10 one at a time): p50 {Percentile(single, 0.5):F0} ms, max {single[^1]:F0} ms; / in-process {Percentile(single, 0.5) / Percentile(inProcess, 0.5):F2}"));
return;

async Task<(TimeSpan Wall, List<double> Latencies)> RunAsync(int count, int parallel)
{
    var started = new ConcurrentDictionary<string, long>();
    using var gate = new SemaphoreSlim(parallel);
    var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            var t0 = Stopwatch.GetTimestamp();
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "file", $"photo-{i}.jpg");
            using var response = await client.PostAsync("files/upload", form);
            response.EnsureSuccessStatusCode();
            var id = (await response.Content.ReadFromJsonAsync<FileResponse>())!.Id;
            started[id] = t0;
            return id;
        }
        finally
        {
            gate.Release();
        }
    }));

    var deadline = DateTime.UtcNow.AddMinutes(10);
    while (ids.Any(id => !log.ReadyAt.ContainsKey(id)))
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("thumbnails not ready within 10 minutes");
        }

        await Task.Delay(20);
    }

    var end = ids.Max(id => log.ReadyAt[id]);
    var latencies = ids.Select(id => (log.ReadyAt[id] - started[id]) * 1000.0 / Stopwatch.Frequency).ToList();
    return (TimeSpan.FromTicks((end - ids.Min(id => started[id])) * TimeSpan.TicksPerSecond / Stopwatch.Frequency), latencies);
}

static ThumbnailJob FilesJob() => new(
    [new ThumbnailSpec("128", 128, false), new ThumbnailSpec("256", 256, false), new ThumbnailSpec("1024", 1024, false), new ThumbnailSpec("256-square", 256, true)],
    ThumbnailFormat.Jpeg, 82, 64L * 1024 * 1024, 100_000_000, TimeSpan.FromSeconds(20));

static void Thumbnails(byte[] image, CancellationToken token)
{
    var outcome = VipsThumbnailer.Make(image, FilesJob(), token);
    if (outcome.Refusal is not null)
    {
        throw new InvalidOperationException(outcome.Reason);
    }
}

static async Task<double> ImagingOnlyAsync(byte[] image, int count, int parallel)
{
    Thumbnails(image, CancellationToken.None);
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, (_, token) =>
    {
        Thumbnails(image, token);
        return ValueTask.CompletedTask;
    });
    return count / clock.Elapsed.TotalSeconds;
}

// Per-image wall time, one image at a time after one warm-up, sorted.
static List<double> InProcess(byte[] image, int runs)
{
    Thumbnails(image, CancellationToken.None);
    var times = new List<double>(runs);
    for (var i = 0; i < runs; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        Thumbnails(image, CancellationToken.None);
        times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }

    times.Sort();
    return times;
}

// A photo-like input: smooth gradients plus sensor-like noise, so the JPEG is as large as a camera's.
static byte[] Photo(int width, int height)
{
    var random = new Random(42);
    var pixels = new byte[width * height * 3];
    for (var y = 0; y < height; y++)
    {
        for (var x = 0; x < width; x++)
        {
            var noise = random.Next(-12, 13);
            var i = ((y * width) + x) * 3;
            pixels[i] = (byte)Math.Clamp((x * 255 / width) + noise, 0, 255);
            pixels[i + 1] = (byte)Math.Clamp((y * 255 / height) + noise, 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(128 + (int)(100 * Math.Sin((x + y) / 50.0)) + noise, 0, 255);
        }
    }

    using var photo = NetVips.Image.NewFromMemory(pixels, width, height, 3, NetVips.Enums.BandFormat.Uchar);
    return photo.JpegsaveBuffer(q: 90);
}

static long PeakWorkingSetMiB()
{
    using var self = Process.GetCurrentProcess();
    return self.PeakWorkingSet64 / 1048576;
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>CPU time (user + system) of the pipeline's processes between construction and <see cref="Used"/>, from /proc.</summary>
internal sealed class CpuAccount
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, double> _start;

    public CpuAccount(int handlerPid)
    {
        _pids = new Dictionary<string, int>
        {
            ["handler"] = handlerPid,
            ["host+gateway+client"] = Environment.ProcessId,
        };
        // The emulators of this stack: their command lines carry the ports the test variables point at.
        var blobPort = new Azure.Storage.Blobs.BlobServiceClient(TestStack.StorageConnection).Uri.Port.ToString(CultureInfo.InvariantCulture);
        var cosmosPort = new Uri(TestStack.CosmosEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, marker, port) in new[] { ("azurite", "azurite", blobPort), ("cosmos", "cosmos-server", cosmosPort) })
        {
            if (Find(marker, port) is { } pid)
            {
                _pids[name] = pid;
            }
        }

        _start = Snapshot();
    }

    public Dictionary<string, double> Used()
    {
        var now = Snapshot();
        return now.ToDictionary(p => p.Key, p => p.Value - _start[p.Key]);
    }

    private Dictionary<string, double> Snapshot() => _pids.ToDictionary(p => p.Key, p => CpuMs(p.Value));

    /// <summary>utime + stime (fields 14 and 15 of /proc/pid/stat, in clock ticks of 10 ms) including waited-for children.</summary>
    private static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static int? Find(string marker, string port)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId)
            {
                try
                {
                    var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    if (cmdline.Contains(marker, StringComparison.Ordinal) && cmdline.Contains(" " + port + " ", StringComparison.Ordinal))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
        }

        return null;
    }
}

/// <summary>
/// Reads the trigger's invocation log lines the host relays ("ready ns/bucket/id/name: 4 thumbnails in X ms (imaging
/// Y ms)") and notes when each file became ready.
/// </summary>
internal sealed partial class LineLog : ILogger
{
    private readonly ConcurrentQueue<(double TotalMs, double ImagingMs)> _invocations = new();

    public ConcurrentDictionary<string, long> ReadyAt { get; } = new();

    public List<(double TotalMs, double ImagingMs)> Invocations() => [.. _invocations];

    public void Clear()
    {
        _invocations.Clear();
        ReadyAt.Clear();
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var now = Stopwatch.GetTimestamp();
        var match = ReadyLine().Match(formatter(state, exception));
        if (match.Success)
        {
            ReadyAt.TryAdd(match.Groups["id"].Value, now);
            _invocations.Enqueue((double.Parse(match.Groups["total"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["imaging"].Value, CultureInfo.InvariantCulture)));
        }
    }

    [GeneratedRegex(@"ready [^/\s]+/[^/\s]+/(?<id>[0-9a-f]{32})/\S+: \d+ thumbnails in (?<total>[\d.]+) ms \(imaging (?<imaging>[\d.]+) ms\)")]
    private static partial Regex ReadyLine();
}
