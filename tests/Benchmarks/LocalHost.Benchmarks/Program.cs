using System.Globalization;
using BenchmarkDotNet.Running;
using LocalHost.Benchmarks;

// `--interleaved [rounds]`: the three paths alternate request by request in one process (steadier on a shared machine).
// `--cold-start [starts] [--wait-for-worker-port] [label=appRoot | build]…`: host start to the first 200, per app root.
// Otherwise BenchmarkDotNet.
switch (args)
{
    case ["--interleaved", .. var rest]:
        await InterleavedRun.RunAsync(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 3000);
        break;
    case ["--cold-start", .. var rest]:
        await ColdStartRun.RunAsync(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10, rest.Length > 1 ? rest[1..] : []);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(WorkerHttpBenchmarks).Assembly).Run(args);
        break;
}
