using System.Diagnostics;
using System.Globalization;

namespace LocalHost.Benchmarks;

/// <summary>
/// <c>--interleaved [rounds]</c>: the three paths of <see cref="WorkerHttpBenchmarks"/> take turns request by request
/// (rotating which goes first), so all of them see the same machine load; percentiles and their ratios to the direct
/// call are printed. On a shared 2-core machine this is far steadier than BenchmarkDotNet running one benchmark after
/// another.
/// </summary>
internal static class InterleavedRun
{
    private const int WarmupRequests = 600;

    public static async Task RunAsync(int rounds)
    {
        var bench = new WorkerHttpBenchmarks();
        await bench.StartAsync();
        try
        {
            var paths = bench.Paths();
            var samples = paths.Select(_ => new List<double>(rounds)).ToArray();

            for (var warmup = 0; warmup < WarmupRequests; warmup++)
            {
                await paths[warmup % paths.Length].Send();
            }

            var loadBefore = Machine.LoadAverage();
            var wall = Stopwatch.StartNew();
            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < paths.Length; k++)
                {
                    var i = (round + k) % paths.Length;
                    var started = Stopwatch.GetTimestamp();
                    await paths[i].Send();
                    samples[i].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rounds} rounds after {WarmupRequests} warm-up requests, {Environment.ProcessorCount} cores, {wall.Elapsed.TotalSeconds:F1} s; load average before {loadBefore}, after {Machine.LoadAverage()}"));
            var baseline = samples[0].Order().ToArray();
            Console.WriteLine("| path | p50 µs | p90 µs | p99 µs | p50 ratio | p90 ratio |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            for (var i = 0; i < paths.Length; i++)
            {
                var sorted = samples[i].Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {paths[i].Name} | {Machine.Percentile(sorted, 0.5):F0} | {Machine.Percentile(sorted, 0.9):F0} | {Machine.Percentile(sorted, 0.99):F0} | {Machine.Percentile(sorted, 0.5) / Machine.Percentile(baseline, 0.5):F2} | {Machine.Percentile(sorted, 0.9) / Machine.Percentile(baseline, 0.9):F2} |"));
            }
        }
        finally
        {
            await bench.StopAsync();
        }
    }
}
