using BenchmarkDotNet.Running;
using LocalHost.Benchmarks;

// `--interleaved [rounds]`: the paths alternate request by request in one process (steadier on a shared machine);
// otherwise BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--interleaved")
{
    await InterleavedRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CounterIncrementBenchmarks).Assembly).Run(args);
