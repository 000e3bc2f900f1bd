using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Auth.Benchmarks.TokenValidationBenchmarks).Assembly).Run(args);
