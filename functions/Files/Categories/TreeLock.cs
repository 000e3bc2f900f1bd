using System.Net;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Files.Categories;

/// <summary>
/// A per-namespace lease that serialises moves. Two moves checked against the same snapshot could each pass the
/// cycle test and together form a loop (A under B while B goes under A); holding this lease from the snapshot to the
/// last level update makes every move see the previous one's result. Creates, renames and deletes do not take it.
/// </summary>
/// <remarks>
/// The lease is a document with a deterministic id, created if absent; a holder that crashed is replaced once the
/// lease has expired (ETag-conditional, so exactly one waiter wins). Release deletes it only if it is still ours.
/// </remarks>
internal sealed partial class TreeLock(HitContainer files, TimeProvider time, ILogger<TreeLock> logger)
{
    /// <summary>A move of a 5000-category namespace rewrites at most 5000 levels: well inside this.</summary>
    private static readonly TimeSpan Lease = CategoryKeys.StaleAfter;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>The lease's owner token, or null when another move kept it for longer than the wait.</summary>
    public async Task<string?> AcquireAsync(string ns, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        var pk = CategoryKeys.Pk(ns);
        var owner = Guid.NewGuid().ToString("N");
        var giveUpAt = time.GetUtcNow() + Wait;
        while (true)
        {
            var now = time.GetUtcNow();
            var lease = new TreeLockDocument { Id = CategoryKeys.LockId(), Pk = pk, Ns = ns, Owner = owner, ExpiresAt = now + Lease };
            if ((await container.TryCreateItemAsync(lease, cancellationToken)).Applied)
            {
                return owner;
            }

            var held = await container.ReadItemOrDefaultAsync<TreeLockDocument>(lease.Id, pk, cancellationToken);
            if (held is not null && held.ExpiresAt <= now && (await container.ReplaceIfMatchAsync(lease, held.ETag!, cancellationToken)).Applied)
            {
                Log.ExpiredLeaseTaken(logger, ns, held.Owner);
                return owner;
            }

            if (now >= giveUpAt)
            {
                return null;
            }

            await Task.Delay(Poll, time, cancellationToken);
        }
    }

    /// <summary>Ends the lease if it is still <paramref name="owner"/>'s. Runs on failure paths too, so it ignores cancellation.</summary>
    public async Task ReleaseAsync(string ns, string owner)
    {
        var container = await files.GetContainerAsync(CancellationToken.None);
        var pk = CategoryKeys.Pk(ns);
        var held = await container.ReadItemOrDefaultAsync<TreeLockDocument>(CategoryKeys.LockId(), pk, CancellationToken.None);
        if (held is null || held.Owner != owner)
        {
            return;
        }

        try
        {
            await container.DeleteItemAsync<TreeLockDocument>(held.Id, new PartitionKey(pk), new ItemRequestOptions { IfMatchEtag = held.ETag }, CancellationToken.None);
        }
        catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            // Expired and taken over meanwhile: no longer ours to release.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Category tree lock of namespace {Namespace} expired in the hands of {Owner}; taken over.")]
        public static partial void ExpiredLeaseTaken(ILogger logger, string @namespace, string owner);
    }
}
