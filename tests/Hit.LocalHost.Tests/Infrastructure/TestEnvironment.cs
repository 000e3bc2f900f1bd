using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Tests.Infrastructure;

/// <summary>The test environment contract: <c>HIT_STORAGE_CONNECTION</c> (Azurite), default <c>UseDevelopmentStorage=true</c>.</summary>
internal static class TestEnvironment
{
    public static string StorageConnectionString { get; } =
        Environment.GetEnvironmentVariable("HIT_STORAGE_CONNECTION") is { Length: > 0 } cs ? cs : "UseDevelopmentStorage=true";

    /// <summary>A storage name unique to one test (queues and containers: lowercase, 3–63 chars).</summary>
    public static string UniqueName(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(prefix.Length + 20, 63)].ToLowerInvariant();
}

/// <summary>Keeps host log lines so tests can assert on relayed worker output and errors.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message)));

    public string Dump() => string.Join('\n', _entries.Select(e => $"{e.Level}: {e.Message}"));
}

/// <summary>Polls until a probe yields a value, or fails with what was awaited.</summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(100);
        }
    }
}
