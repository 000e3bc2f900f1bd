using System.Net;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Files.Categories;

/// <summary>
/// Sibling-unique slugs without transactions: a slug is taken by creating its reservation (id = parent + slug) if
/// absent, before the category is written; a 409 means a sibling holds it, so the next suffix is tried.
/// </summary>
internal sealed partial class SlugReservations(TimeProvider time, ILogger<SlugReservations> logger)
{
    // Each conflict is a lost race with a concurrent creator (the candidates skip every slug already reserved), so
    // this bounds how many same-titled siblings may be created at the same instant, not how many may exist.
    private const int MaxAttempts = 100;

    /// <summary>Reserves the first free candidate of <paramref name="baseSlug"/> (<c>x</c>, <c>x-2</c>, …) under the parent for the category.</summary>
    public async Task<string> ReserveAsync(Container container, string ns, string? parentId, string baseSlug, string categoryId, CancellationToken cancellationToken)
    {
        var pk = CategoryKeys.Pk(ns);
        var parentKey = CategoryKeys.ParentKey(parentId);
        var taken = await ReservedByOthersAsync(container, pk, parentKey, baseSlug, categoryId, cancellationToken);

        var n = 1;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            string slug;
            do
            {
                slug = Slugger.WithSuffix(baseSlug, n++);
            }
            while (taken.Contains(slug));

            var reservation = new SlugReservationDocument
            {
                Id = CategoryKeys.SlugId(parentId, slug),
                Pk = pk,
                Ns = ns,
                CategoryId = categoryId,
                ParentKey = parentKey,
                Slug = slug,
                ReservedAt = time.GetUtcNow(),
            };
            if ((await container.TryCreateItemAsync(reservation, cancellationToken)).Applied)
            {
                return slug;
            }

            if (await TakeOverIfDeadAsync(container, reservation, cancellationToken))
            {
                return slug;
            }
        }

        throw new InvalidOperationException($"No free slug for '{baseSlug}' after {MaxAttempts} concurrent conflicts.");
    }

    /// <summary>
    /// Deletes the reservation if <paramref name="categoryId"/> still holds it (ETag-conditional). Runs on failure
    /// paths, so it ignores the caller's cancellation; one it cannot delete is dead and taken over later.
    /// </summary>
    public static async Task ReleaseAsync(Container container, string ns, string reservationId, string categoryId)
    {
        var pk = CategoryKeys.Pk(ns);
        var existing = await container.ReadItemOrDefaultAsync<SlugReservationDocument>(reservationId, pk, CancellationToken.None);
        if (existing is null || existing.CategoryId != categoryId)
        {
            return;
        }

        try
        {
            await container.DeleteItemAsync<SlugReservationDocument>(reservationId, new PartitionKey(pk), new ItemRequestOptions { IfMatchEtag = existing.ETag }, CancellationToken.None);
        }
        catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            // Already gone or taken over: no longer ours.
        }
    }

    /// <summary>
    /// The candidates other categories reserved under the parent: one query instead of one failed create per sibling.
    /// The category's own reservations stay candidates, so a rename to its current slug keeps that slug.
    /// </summary>
    private static async Task<HashSet<string>> ReservedByOthersAsync(
        Container container, string pk, string parentKey, string baseSlug, string categoryId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                "SELECT VALUE c.slug FROM c WHERE c.pk = @pk AND c.type = @type AND c.parentKey = @parent AND c.categoryId != @id AND STARTSWITH(c.slug, @stem)")
            .WithParameter("@pk", pk)
            .WithParameter("@id", categoryId)
            .WithParameter("@type", SlugReservationDocument.Kind)
            .WithParameter("@parent", parentKey)
            // Suffixed candidates of a long base are shortened (Slugger.WithSuffix), so match on a stem they all share.
            .WithParameter("@stem", baseSlug[..Math.Min(baseSlug.Length, Slugger.MaxLength - 8)].TrimEnd('-'));
        var taken = new HashSet<string>(StringComparer.Ordinal);
        using var iterator = container.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(pk) });
        while (iterator.HasMoreResults)
        {
            taken.UnionWith(await iterator.ReadNextAsync(cancellationToken));
        }

        return taken;
    }

    /// <summary>
    /// True when the existing reservation is ours already, or dead (its category does not hold this slug under this
    /// parent) and old enough that no writer can still be between reserving and writing — then it is replaced.
    /// </summary>
    private async Task<bool> TakeOverIfDeadAsync(Container container, SlugReservationDocument claim, CancellationToken cancellationToken)
    {
        var existing = await container.ReadItemOrDefaultAsync<SlugReservationDocument>(claim.Id, claim.Pk, cancellationToken);
        if (existing is null)
        {
            // Released between our create and this read: the next attempt takes a later candidate, which is fine.
            return false;
        }

        if (existing.CategoryId == claim.CategoryId)
        {
            return true;
        }

        if (time.GetUtcNow() - existing.ReservedAt < CategoryKeys.StaleAfter)
        {
            return false;
        }

        var holder = await container.ReadItemOrDefaultAsync<CategoryDocument>(CategoryKeys.Id(existing.CategoryId), claim.Pk, cancellationToken);
        if (holder is not null && holder.ReservationId == existing.Id)
        {
            return false;
        }

        if ((await container.ReplaceIfMatchAsync(claim, existing.ETag!, cancellationToken)).Applied)
        {
            Log.DeadReservationTaken(logger, claim.Ns, existing.Id, existing.CategoryId);
            return true;
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Slug reservation {ReservationId} in namespace {Namespace} was left by category {CategoryId}; taken over.")]
        public static partial void DeadReservationTaken(ILogger logger, string @namespace, string reservationId, string categoryId);
    }
}
