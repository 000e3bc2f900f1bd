using System.Collections.Concurrent;

namespace Hit.Platform.Auth.Hmac;

/// <summary>Remembers accepted signatures (v1) and nonces (v2) until their timestamps leave the window.</summary>
public interface IHmacReplayCache
{
    /// <summary>Records <paramref name="key"/>; false when it was already recorded and has not expired.</summary>
    bool TryRegister(string key, DateTimeOffset expiresAt);
}

/// <summary>
/// The in-process replay cache. It is per instance: with several instances behind a load balancer a replay reaching
/// another instance within the window is not caught — the window bounds that exposure.
/// </summary>
internal sealed class MemoryHmacReplayCache(TimeProvider time) : IHmacReplayCache
{
    // Expired entries are swept when the table has grown by this much, so memory tracks the request rate × window.
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private int _addsSinceSweep;

    public bool TryRegister(string key, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiry = expiresAt.ToUnixTimeMilliseconds();
        if (Interlocked.Increment(ref _addsSinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _addsSinceSweep, 0);
            Sweep(now);
        }

        while (true)
        {
            if (_seen.TryAdd(key, expiry))
            {
                return true;
            }

            if (!_seen.TryGetValue(key, out var existing))
            {
                continue;
            }

            // An expired entry may be reused; TryUpdate makes exactly one of two racing callers win it.
            if (existing > now)
            {
                return false;
            }

            if (_seen.TryUpdate(key, expiry, existing))
            {
                return true;
            }
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, expiry) in _seen)
        {
            if (expiry <= now)
            {
                _seen.TryRemove(new KeyValuePair<string, long>(key, expiry));
            }
        }
    }
}
