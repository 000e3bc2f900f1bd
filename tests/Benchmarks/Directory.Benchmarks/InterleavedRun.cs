using System.Diagnostics;
using System.Globalization;

namespace Directory.Benchmarks;

/// <summary>Signed and unsigned GET-by-email alternated request by request; prints p50/p90/p99 and their ratios.</summary>
internal static class InterleavedRun
{
    public static async Task RunAsync(int rounds)
    {
        var bench = new SignedLookupBenchmarks();
        await bench.StartAsync();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                await bench.UnsignedLookup();
                await bench.SignedLookup();
            }

            var unsigned = new double[rounds];
            var signed = new double[rounds];
            for (var i = 0; i < rounds; i++)
            {
                // Alternate which goes first so neither always benefits from a warm connection or cache.
                if (i % 2 == 0)
                {
                    unsigned[i] = await Time(bench.UnsignedLookup);
                    signed[i] = await Time(bench.SignedLookup);
                }
                else
                {
                    signed[i] = await Time(bench.SignedLookup);
                    unsigned[i] = await Time(bench.UnsignedLookup);
                }
            }

            Array.Sort(unsigned);
            Array.Sort(signed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} interleaved rounds (ms)   p50      p90      p99"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unsigned                  {P(unsigned, 50),7:F3}  {P(unsigned, 90),7:F3}  {P(unsigned, 99),7:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signed (HMAC v2)          {P(signed, 50),7:F3}  {P(signed, 90),7:F3}  {P(signed, 99),7:F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio                     {P(signed, 50) / P(unsigned, 50),7:F3}  {P(signed, 90) / P(unsigned, 90),7:F3}  {P(signed, 99) / P(unsigned, 99),7:F3}"));
        }
        finally
        {
            await bench.StopAsync();
        }
    }

    private static async Task<double> Time(Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double P(double[] sorted, int percentile) => sorted[Math.Min(sorted.Length - 1, sorted.Length * percentile / 100)];
}
