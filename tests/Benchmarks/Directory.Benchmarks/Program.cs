using BenchmarkDotNet.Running;
using Directory.Benchmarks;

// `--interleaved [rounds]`: alternates signed and unsigned requests in one process and compares percentiles, which
// holds up on a shared, noisy machine far better than BenchmarkDotNet's one-benchmark-after-the-other runs.
if (args.Length > 0 && args[0] == "--interleaved")
{
    await InterleavedRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(SignedLookupBenchmarks).Assembly).Run(args);
