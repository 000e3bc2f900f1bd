using System.Diagnostics;
using System.Globalization;

namespace LocalHost.Benchmarks;

/// <summary>
/// <c>--interleaved [rounds]</c>: the three paths take turns request by request (rotating which goes first), so all
/// of them see the same machine load and the same Cosmos server state; percentiles and their ratios to the direct
/// handler are printed. On a shared 2-core machine this is far steadier than BenchmarkDotNet running one benchmark
/// after another.
/// </summary>
internal static class InterleavedRun
{
    public static async Task RunAsync(int rounds)
    {
        var bench = new CounterIncrementBenchmarks();
        await bench.StartAsync();
        try
        {
            (string Name, Func<Task> Send)[] paths = [("handler directly", bench.Handler), ("through local host", bench.ViaHost), ("through gateway + host", bench.ViaGateway)];
            var samples = paths.Select(_ => new List<double>(rounds)).ToArray();

            for (var warmup = 0; warmup < 200; warmup++)
            {
                await paths[warmup % paths.Length].Send();
            }

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

            var baseline = samples[0].Order().ToArray();
            Console.WriteLine($"{rounds} rounds, {Environment.ProcessorCount} cores");
            Console.WriteLine("| path | p50 µs | p90 µs | p99 µs | p50 ratio | p90 ratio |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            for (var i = 0; i < paths.Length; i++)
            {
                var sorted = samples[i].Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {paths[i].Name} | {P(sorted, 0.5):F0} | {P(sorted, 0.9):F0} | {P(sorted, 0.99):F0} | {P(sorted, 0.5) / P(baseline, 0.5):F2} | {P(sorted, 0.9) / P(baseline, 0.9):F2} |"));
            }
        }
        finally
        {
            await bench.StopAsync();
        }
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
