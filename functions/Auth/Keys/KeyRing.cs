using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hit.Platform.Cosmos;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Auth.Keys;

/// <summary>
/// The signing key ring: created on first use (one current + one standby key), cached in memory for
/// <see cref="AuthOptions.KeyRingCacheDuration"/>, rotated when the current key is older than
/// <see cref="AuthOptions.KeyRotationInterval"/>: standby → current, current → previous, older previous → revoked,
/// and a new standby. Every transition is one ETag-conditional replace of the ring document.
/// </summary>
internal sealed partial class KeyRing(
    [FromKeyedServices(AuthStore.ContainerName)] HitContainer store,
    SecretProtector protector,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<KeyRing> logger) : IDisposable
{
    private const string Purpose = "signing-key";
    private readonly ConcurrentDictionary<string, ECDsaSecurityKey> _privateKeys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    // A reference, published atomically: readers outside the gate never see a torn ring/time pair.
    private volatile CachedRing? _cached;

    /// <summary>The ring, from memory when fresh; created on first use and rotated when due.</summary>
    public async Task<KeyRingDocument> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cached is { } c && now - c.LoadedAt < options.Value.KeyRingCacheDuration)
        {
            return c.Ring;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && now - again.LoadedAt < options.Value.KeyRingCacheDuration)
            {
                return again.Ring;
            }

            var ring = await LoadOrCreateAsync(cancellationToken);
            if (ring.CurrentKey.ActivatedAt is { } activated && now - activated >= options.Value.KeyRotationInterval)
            {
                ring = await RotateCoreAsync(ring, cancellationToken);
            }

            _cached = new CachedRing(ring, time.GetUtcNow());
            return ring;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The key that signs new tokens.</summary>
    public async Task<ECDsaSecurityKey> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        var current = (await GetAsync(cancellationToken)).CurrentKey;
        return _privateKeys.GetOrAdd(current.Kid, _ => LoadPrivateKey(current));
    }

    /// <summary>Promotes the standby key now (a scheduled rotation, or an emergency one before revoking).</summary>
    public async Task<KeyRingDocument> RotateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var ring = await RotateCoreAsync(await LoadOrCreateAsync(cancellationToken), cancellationToken);
            _cached = new CachedRing(ring, time.GetUtcNow());
            return ring;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Revokes a key that no longer signs (previous or standby); the current key must be rotated out first.</summary>
    public async Task<KeyRingDocument> RevokeAsync(string kid, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var container = await store.GetContainerAsync(cancellationToken);
            while (true)
            {
                var ring = await LoadOrCreateAsync(cancellationToken);
                var entry = ring.Keys.SingleOrDefault(k => k.Kid == kid) ?? throw new KeyNotFoundException($"No key '{kid}'.");
                if (entry.State == KeyStates.Current)
                {
                    throw new InvalidOperationException("The current key signs new tokens; rotate before revoking it.");
                }

                var keys = ring.Keys.Select(k => k.Kid == kid ? k with { State = KeyStates.Revoked } : k).ToList();
                if (!keys.Any(k => k.State == KeyStates.Standby))
                {
                    keys.Add(NewKey(KeyStates.Standby));
                }

                var result = await container.ReplaceIfMatchAsync(ring with { Keys = keys, ETag = null }, ring.ETag!, cancellationToken);
                if (result.Applied)
                {
                    _cached = new CachedRing(result.Document!, time.GetUtcNow());
                    _privateKeys.TryRemove(kid, out _);
                    Log.KeyRevoked(logger, kid);
                    return result.Document!;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Forgets the in-memory copy (tests, and after another instance rotated).</summary>
    public void Invalidate() => _cached = null;

    private async Task<KeyRingDocument> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        if (await container.ReadItemOrDefaultAsync<KeyRingDocument>(KeyRingDocument.DocumentId, KeyRingDocument.PartitionKey, cancellationToken) is { } existing)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        var created = new KeyRingDocument
        {
            Id = KeyRingDocument.DocumentId,
            Pk = KeyRingDocument.PartitionKey,
            Ns = KeyRingDocument.SystemNamespace,
            Keys = [NewKey(KeyStates.Current) with { ActivatedAt = now }, NewKey(KeyStates.Standby)],
        };
        var result = await container.TryCreateItemAsync(created, cancellationToken);
        if (result.Applied)
        {
            Log.KeyRingCreated(logger, created.CurrentKey.Kid);
            return result.Document!;
        }

        // Another instance created it first: use theirs.
        return await container.ReadItemOrDefaultAsync<KeyRingDocument>(KeyRingDocument.DocumentId, KeyRingDocument.PartitionKey, cancellationToken)
            ?? throw new InvalidOperationException("The key ring vanished after a create conflict.");
    }

    private async Task<KeyRingDocument> RotateCoreAsync(KeyRingDocument ring, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        while (true)
        {
            var now = time.GetUtcNow();
            var standby = ring.Keys.Where(k => k.State == KeyStates.Standby).OrderBy(k => k.CreatedAt).FirstOrDefault() ?? NewKey(KeyStates.Standby);
            var keys = new List<SigningKeyEntry>();
            foreach (var key in ring.Keys)
            {
                keys.Add(key.State switch
                {
                    // One previous generation stays published: tokens it signed live at most one access-token lifetime.
                    KeyStates.Previous => key with { State = KeyStates.Revoked },
                    KeyStates.Current => key with { State = KeyStates.Previous },
                    KeyStates.Standby when key.Kid == standby.Kid => key with { State = KeyStates.Current, ActivatedAt = now },
                    _ => key,
                });
            }

            if (!keys.Any(k => k.Kid == standby.Kid))
            {
                keys.Add(standby with { State = KeyStates.Current, ActivatedAt = now });
            }

            keys.Add(NewKey(KeyStates.Standby));
            // Revoked keys are kept for audit, but only the last few.
            var revoked = keys.Where(k => k.State == KeyStates.Revoked).OrderByDescending(k => k.CreatedAt).Skip(4).Select(k => k.Kid).ToHashSet();
            keys.RemoveAll(k => revoked.Contains(k.Kid));

            var result = await container.ReplaceIfMatchAsync(ring with { Keys = keys, ETag = null }, ring.ETag!, cancellationToken);
            if (result.Applied)
            {
                Log.KeyRotated(logger, result.Document!.CurrentKey.Kid);
                return result.Document!;
            }

            // Lost a race with another instance: if it already rotated, use its ring.
            ring = await LoadOrCreateAsync(cancellationToken);
            if (ring.CurrentKey.ActivatedAt is { } activated && now - activated < options.Value.KeyRotationInterval)
            {
                return ring;
            }
        }
    }

    private SigningKeyEntry NewKey(string state)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        var kid = Secrets.Base64Url(RandomNumberGenerator.GetBytes(12));
        var privateKey = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            return new SigningKeyEntry(kid, state, time.GetUtcNow(), null,
                Secrets.Base64Url(parameters.Q.X), Secrets.Base64Url(parameters.Q.Y), protector.Protect(Purpose, kid, privateKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private ECDsaSecurityKey LoadPrivateKey(SigningKeyEntry entry)
    {
        var pkcs8 = protector.Unprotect(Purpose, entry.Kid, entry.ProtectedPrivateKey)
            ?? throw new CryptographicException($"Signing key {entry.Kid} cannot be decrypted: Auth:KeyEncryptionKey differs from the one that stored it.");
        try
        {
            // Lives for the process: signing keys are few and reused for every token.
#pragma warning disable CA2000
            var ecdsa = ECDsa.Create();
#pragma warning restore CA2000
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new ECDsaSecurityKey(ecdsa) { KeyId = entry.Kid };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private sealed record CachedRing(KeyRingDocument Ring, DateTimeOffset LoadedAt);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Signing key ring created; current key {Kid}.")]
        public static partial void KeyRingCreated(ILogger logger, string kid);

        [LoggerMessage(2, LogLevel.Information, "Signing keys rotated; current key {Kid}.")]
        public static partial void KeyRotated(ILogger logger, string kid);

        [LoggerMessage(3, LogLevel.Warning, "Signing key {Kid} revoked.")]
        public static partial void KeyRevoked(ILogger logger, string kid);
    }
}
