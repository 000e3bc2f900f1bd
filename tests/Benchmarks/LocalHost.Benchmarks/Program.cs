using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(LocalHost.Benchmarks.CounterIncrementBenchmarks).Assembly).Run(args);
