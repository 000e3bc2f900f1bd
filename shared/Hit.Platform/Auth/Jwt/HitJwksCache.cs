using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Platform.Auth.Jwt;

/// <summary>
/// The auth app's public keys, held in memory. A known <c>kid</c> costs a dictionary lookup; an unknown one
/// triggers one fetch (throttled by <see cref="HitJwtOptions.UnknownKidRefreshInterval"/>), which is how a newly
/// promoted key is picked up. When a fetch fails the last good keys stay in use, so services keep validating while
/// the auth app is down.
/// </summary>
public sealed partial class HitJwksCache(
    IHitSigningKeySource source,
    IOptions<HitJwtOptions> options,
    TimeProvider time,
    ILogger<HitJwksCache> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, ECDsaSecurityKey>.Empty, DateTimeOffset.MinValue, 0);
    private long _lastAttemptTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>Changes whenever a fetch replaced the key set (results validated under an older set are stale).</summary>
    public int Version => _snapshot.Version;

    /// <summary>The key ids currently cached (for diagnostics and tests).</summary>
    public IReadOnlyCollection<string> CachedKeyIds => _snapshot.Keys.Keys;

    /// <summary>A cached key by id, without any I/O.</summary>
    public ECDsaSecurityKey? TryGetCached(string kid) => _snapshot.Keys.GetValueOrDefault(kid);

    /// <summary>The key for <paramref name="kid"/>, fetching the JWKS when it is stale or does not know the id.</summary>
    public async ValueTask<ECDsaSecurityKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = time.GetUtcNow();
        var known = snapshot.Keys.TryGetValue(kid, out var key);
        var stale = now - snapshot.FetchedAt >= options.Value.JwksRefreshInterval;
        if (known && !stale)
        {
            return key;
        }

        // Unknown kid or stale set: refresh, but never more often than the throttle allows (forged kids are free to mint).
        if (now.UtcTicks - Interlocked.Read(ref _lastAttemptTicks) >= options.Value.UnknownKidRefreshInterval.Ticks)
        {
            await RefreshAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }

        return _snapshot.Keys.GetValueOrDefault(kid);
    }

    /// <summary>Fetches the JWKS now (start-up warm-up, tests). Returns false when the fetch failed.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken) => await RefreshAsync(null, cancellationToken).ConfigureAwait(false);

    private async Task<bool> RefreshAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller refreshed while this one waited: use its result instead of fetching again.
            if (seen is not null && !ReferenceEquals(seen, _snapshot))
            {
                return true;
            }

            var now = time.GetUtcNow();
            Interlocked.Exchange(ref _lastAttemptTicks, now.UtcTicks);
            IReadOnlyList<JsonWebKey> published;
            try
            {
                published = await source.FetchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or ArgumentException)
            {
                Log.JwksFetchFailed(logger, _snapshot.Keys.Count, ex);
                return false;
            }

            var keys = new Dictionary<string, ECDsaSecurityKey>(StringComparer.Ordinal);
            foreach (var jwk in published)
            {
                if (ToEcKey(jwk) is { } key)
                {
                    keys[key.KeyId] = key;
                }
            }

            _snapshot = new Snapshot(keys.ToFrozenDictionary(StringComparer.Ordinal), now, _snapshot.Version + 1);
            Log.JwksRefreshed(logger, keys.Count);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Only EC P-256 signature keys become validation keys. Symmetric or RSA entries are dropped, which is what makes
    /// "HS256 signed with the public key" and similar algorithm confusions impossible at the key level too.
    /// </summary>
    internal static ECDsaSecurityKey? ToEcKey(JsonWebKey jwk)
    {
        if (jwk.Kty != JsonWebAlgorithmsKeyTypes.EllipticCurve || jwk.Crv != JsonWebKeyECTypes.P256 || string.IsNullOrEmpty(jwk.Kid)
            || jwk.Use is { Length: > 0 } and not "sig" || jwk.Alg is { Length: > 0 } and not SecurityAlgorithms.EcdsaSha256
            || string.IsNullOrEmpty(jwk.X) || string.IsNullOrEmpty(jwk.Y))
        {
            return null;
        }

        byte[] x, y;
        try
        {
            x = Base64UrlEncoder.DecodeBytes(jwk.X);
            y = Base64UrlEncoder.DecodeBytes(jwk.Y);
        }
        catch (FormatException)
        {
            return null;
        }

        if (x.Length != 32 || y.Length != 32)
        {
            return null;
        }

        try
        {
            // The key lives as long as the cache snapshot that holds it; there is no safe point to dispose it earlier.
#pragma warning disable CA2000
            var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
#pragma warning restore CA2000
            return new ECDsaSecurityKey(ecdsa) { KeyId = jwk.Kid };
        }
        catch (CryptographicException)
        {
            // Not a point on the curve.
            return null;
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record Snapshot(FrozenDictionary<string, ECDsaSecurityKey> Keys, DateTimeOffset FetchedAt, int Version);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Fetching the JWKS failed; still validating with {CachedKeys} cached key(s).")]
        public static partial void JwksFetchFailed(ILogger logger, int cachedKeys, Exception exception);

        [LoggerMessage(2, LogLevel.Debug, "JWKS refreshed: {Keys} ES256 key(s).")]
        public static partial void JwksRefreshed(ILogger logger, int keys);
    }
}
