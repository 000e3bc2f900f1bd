using BenchmarkDotNet.Running;

namespace Auth.Benchmarks;

// Not top-level statements: those would declare a second `Program`, clashing with the auth app's (visible here through InternalsVisibleTo).
internal static class BenchmarkEntry
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
}
