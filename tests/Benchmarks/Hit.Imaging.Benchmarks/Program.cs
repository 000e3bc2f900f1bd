using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Hit.Imaging.Benchmarks.ThumbnailBenchmarks).Assembly).Run(args);
