using System.Text;
using Hit.Auth.Keys;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Sessions;

internal enum RefreshOutcome
{
    /// <summary>New refresh token issued (or, for the same client inside the grace window, the current one returned again).</summary>
    Rotated,

    /// <summary>Unknown token, expired or revoked session.</summary>
    Invalid,

    /// <summary>A spent token was presented outside the grace window or by another client: the whole session family is now revoked.</summary>
    ReuseDetected,
}

internal readonly record struct RefreshResult(RefreshOutcome Outcome, SessionDocument? Session, string? RefreshToken);

/// <summary>Sessions and their refresh-token rotation (single-use, grace window, reuse revokes the family).</summary>
internal sealed partial class SessionStore(
    [FromKeyedServices(AuthStore.ContainerName)] HitContainer store,
    SecretProtector protector,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<SessionStore> logger)
{
    private const string Purpose = "refresh-secret";
    private const int MaxRetiredHashes = 32;

    public async Task<(SessionDocument Session, string RefreshToken)> CreateAsync(string ns, string userId, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var sid = Guid.NewGuid().ToString("N");
        var secret = Secrets.NewToken();
        var now = time.GetUtcNow();
        var session = new SessionDocument
        {
            Id = SessionDocument.IdFor(sid),
            Pk = SessionDocument.PkFor(ns, userId),
            Ns = ns,
            Sid = sid,
            UserId = userId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.SessionLifetime,
            CurrentHash = Secrets.Hash(secret),
            ProtectedCurrentSecret = protector.Protect(Purpose, sid, Encoding.UTF8.GetBytes(secret)),
        };
        var created = await container.CreateItemAsync(session, new PartitionKey(session.Pk), cancellationToken: cancellationToken);
        return (created.Resource, new RefreshToken(ns, userId, sid, secret).ToString());
    }

    public async Task<SessionDocument?> FindAsync(string ns, string userId, string sid, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return await container.ReadItemOrDefaultAsync<SessionDocument>(SessionDocument.IdFor(sid), SessionDocument.PkFor(ns, userId), cancellationToken);
    }

    /// <summary>True when the session exists, is not revoked and has not expired.</summary>
    public async Task<bool> IsActiveAsync(string ns, string userId, string sid, CancellationToken cancellationToken) =>
        await FindAsync(ns, userId, sid, cancellationToken) is { IsRevoked: false } s && s.ExpiresAt > time.GetUtcNow();

    /// <summary>
    /// The client binding of a refresh request: SHA-256 over the presented secret's hash, the <c>User-Agent</c> and the
    /// client address (the one the per-IP limits use). The rotating request's binding is stored with the rotation; the
    /// grace window answers only a request with the same binding.
    /// </summary>
    /// <remarks>
    /// Why these: the window exists for one client that sends the same refresh twice — a retry after a lost response,
    /// two tabs of one browser refreshing at once. Such a retry comes from the same browser (same User-Agent) on the
    /// same network address, with the same secret. A previous secret replayed by anyone else (a leaked or stolen token
    /// used from another device or address) gets no current secret: it is reuse and revokes the family, as it does
    /// outside the window. Sessions store no device binding of their own (a browser's User-Agent changes with every
    /// update, and its address with every network, over a 30-day session), so the binding is only compared between a
    /// rotation and its retries seconds later. Including the presented secret's hash ties the stored value to that one
    /// rotation. Within the window someone with the same address and User-Agent (a spoofed header behind the same
    /// NAT) still gets the answer: the window is kept short (<see cref="AuthOptions.RefreshReuseGrace"/>) for that.
    /// </remarks>
    public static string ClientBinding(string presentedSecret, string? userAgent, string clientAddress) =>
        Secrets.Hash(string.Join('\n', "hit-refresh-binding-v1", Secrets.Hash(presentedSecret), userAgent ?? "", clientAddress));

    public async Task<RefreshResult> RefreshAsync(RefreshToken token, string clientBinding, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var presented = Secrets.Hash(token.Secret);
        // Optimistic loop: a concurrent refresh changes the ETag; re-read and decide again (it then hits the grace path).
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var session = await FindAsync(token.Ns, token.UserId, token.Sid, cancellationToken);
            var now = time.GetUtcNow();
            if (session is null || session.IsRevoked || session.ExpiresAt <= now)
            {
                return new(RefreshOutcome.Invalid, null, null);
            }

            if (Secrets.HashEquals(presented, session.CurrentHash))
            {
                var secret = Secrets.NewToken();
                var retired = session.PreviousHash is null ? session.RetiredHashes : [.. session.RetiredHashes.TakeLast(MaxRetiredHashes - 1), session.PreviousHash];
                var rotated = session with
                {
                    ETag = null,
                    PreviousHash = session.CurrentHash,
                    CurrentHash = Secrets.Hash(secret),
                    ProtectedCurrentSecret = protector.Protect(Purpose, session.Sid, Encoding.UTF8.GetBytes(secret)),
                    RotatedAt = now,
                    RotationBinding = clientBinding,
                    RetiredHashes = retired,
                    Generation = session.Generation + 1,
                };
                var result = await container.ReplaceIfMatchAsync(rotated, session.ETag!, cancellationToken);
                if (result.Applied)
                {
                    return new(RefreshOutcome.Rotated, result.Document, new RefreshToken(token.Ns, token.UserId, token.Sid, secret).ToString());
                }

                continue;
            }

            if (session.PreviousHash is { } previous && Secrets.HashEquals(presented, previous)
                && session.RotatedAt is { } rotatedAt && now - rotatedAt <= options.Value.RefreshReuseGrace
                && session.RotationBinding is { } binding && Secrets.HashEquals(binding, clientBinding))
            {
                // The same client's concurrent or retried refresh inside the grace window gets the token its winner got.
                var current = protector.Unprotect(Purpose, session.Sid, session.ProtectedCurrentSecret);
                if (current is not null)
                {
                    return new(RefreshOutcome.Rotated, session, new RefreshToken(token.Ns, token.UserId, token.Sid, Encoding.UTF8.GetString(current)).ToString());
                }
            }

            if ((session.PreviousHash is { } spent && Secrets.HashEquals(presented, spent)) || session.RetiredHashes.Any(h => Secrets.HashEquals(presented, h)))
            {
                // A spent token came back after the window or from another client: it was stolen or leaked. Revoke the
                // family so neither holder keeps access.
                await RevokeAsync(session, "refresh_token_reuse", cancellationToken);
                Log.ReuseDetected(logger, session.Sid);
                return new(RefreshOutcome.ReuseDetected, session, null);
            }

            // A secret that was never issued for this session proves nothing about it (the sid is not secret): refuse only.
            return new(RefreshOutcome.Invalid, null, null);
        }

        throw new InvalidOperationException("The session kept changing during refresh.");
    }

    public async Task RevokeAsync(SessionDocument session, string reason, CancellationToken cancellationToken)
    {
        if (session.IsRevoked)
        {
            return;
        }

        var container = await store.GetContainerAsync(cancellationToken);
        await container.PatchItemAsync<SessionDocument>(session.Id, new PartitionKey(session.Pk),
            [PatchOperation.Set("/revokedAt", time.GetUtcNow()), PatchOperation.Set("/revokedReason", reason)], cancellationToken: cancellationToken);
    }

    /// <summary>Revokes every session of the user (logout-all, password reset). Returns how many were active.</summary>
    public async Task<int> RevokeAllAsync(string ns, string userId, string reason, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var pk = SessionDocument.PkFor(ns, userId);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk").WithParameter("@pk", pk);
        var count = 0;
        using var iterator = container.GetItemQueryIterator<SessionDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(pk) });
        while (iterator.HasMoreResults)
        {
            foreach (var session in await iterator.ReadNextAsync(cancellationToken))
            {
                if (!session.IsRevoked && session.Ns == ns)
                {
                    await RevokeAsync(session, reason, cancellationToken);
                    count++;
                }
            }
        }

        return count;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refresh token reuse detected; session {Sid} revoked.")]
        public static partial void ReuseDetected(ILogger logger, string sid);
    }
}
