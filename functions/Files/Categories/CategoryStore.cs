using System.Net;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Hit.Files.Categories;

internal enum CategoryOutcome
{
    Applied,
    NotFound,
    ParentNotFound,
    TooDeep,
    Cycle,
    HasChildren,
    LimitReached,
    TreeBusy,
}

internal readonly record struct CategoryWrite(CategoryOutcome Outcome, CategoryDocument? Category = null)
{
    public static implicit operator CategoryWrite(CategoryOutcome outcome) => new(outcome);
}

/// <summary>
/// Category persistence without transactions: every change is a sequence of single-document writes ordered so
/// that a failure or a concurrent writer leaves nothing half-written.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Slugs: reserved before the category is written and released if that write fails (<see cref="SlugReservations"/>).</item>
/// <item>Children vs. delete: a delete marks the category first, then checks for children; a create or move re-reads
/// its parent after writing and backs out when the parent is gone or marked. One of the two always sees the other.</item>
/// <item>Moves hold the namespace's <see cref="TreeLock"/> from the snapshot they are checked against (cycle, depth)
/// to their last level update, so two moves cannot form a loop together.</item>
/// <item>Levels: a move re-reads the namespace after committing and fixes its subtree until a pass finds nothing
/// to fix, which also catches children created under it meanwhile; a create re-reads its parent's level.</item>
/// </list>
/// </remarks>
internal sealed partial class CategoryStore(
    HitContainer files, SlugReservations slugs, TreeLock treeLock, TimeProvider time, IOptions<FilesOptions> options, ILogger<CategoryStore> logger)
{
    /// <summary>Listing and tree building read the whole namespace, so it is bounded; creates beyond it get 409.</summary>
    public const int MaxCategoriesPerNamespace = 5000;

    // Concurrent edits of one category retry on ETag conflicts; a handful is plenty for human-driven edits.
    private const int MaxWriteAttempts = 5;

    private const int MaxRelevelPasses = 5;

    private int MaxDepth => options.Value.MaxCategoryDepth;

    public async Task<CategoryDocument?> GetAsync(string ns, string id, CancellationToken cancellationToken)
    {
        if (!CategoryValidation.IsCategoryId(id))
        {
            return null;
        }

        var container = await files.GetContainerAsync(cancellationToken);
        return await ReadAsync(container, ns, id, cancellationToken);
    }

    public async Task<IReadOnlyList<CategoryDocument>> ListAsync(string ns, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        return await ListAsync(container, ns, cancellationToken);
    }

    public async Task<CategoryWrite> CreateAsync(string ns, string title, string? parentId, CancellationToken cancellationToken)
    {
        var container = await files.GetContainerAsync(cancellationToken);
        var level = 0;
        if (parentId is not null)
        {
            var parent = CategoryValidation.IsCategoryId(parentId) ? await ReadAsync(container, ns, parentId, cancellationToken) : null;
            if (parent is null || parent.IsBeingDeleted(time.GetUtcNow()))
            {
                return CategoryOutcome.ParentNotFound;
            }

            level = parent.Level + 1;
            if (level > MaxDepth)
            {
                return CategoryOutcome.TooDeep;
            }
        }

        // Concurrent creates can overshoot by a few; the bound is about memory per listing, not an exact quota.
        if (await CountAsync(container, ns, cancellationToken) >= MaxCategoriesPerNamespace)
        {
            return CategoryOutcome.LimitReached;
        }

        var id = Guid.CreateVersion7().ToString("N");
        var slug = await slugs.ReserveAsync(container, ns, parentId, Slugger.Slugify(title), id, cancellationToken);
        var now = time.GetUtcNow();
        var category = new CategoryDocument
        {
            Id = CategoryKeys.Id(id),
            Pk = CategoryKeys.Pk(ns),
            Ns = ns,
            CategoryId = id,
            Title = title,
            Slug = slug,
            ParentId = parentId,
            Level = level,
            CreatedAt = now,
            UpdatedAt = now,
        };

        CategoryDocument created;
        var written = false;
        try
        {
            created = (await container.CreateItemAsync(category, new PartitionKey(category.Pk), cancellationToken: cancellationToken)).Resource;
            written = true;
        }
        finally
        {
            if (!written)
            {
                await SlugReservations.ReleaseAsync(container, ns, category.ReservationId, id);
            }
        }

        return parentId is null ? new(CategoryOutcome.Applied, created) : await ConfirmParentAsync(container, ns, created);
    }

    /// <summary>Replaces title and parent. A new parent is a move: locked, checked for cycles and depth, and its subtree re-levelled.</summary>
    public async Task<CategoryWrite> UpdateAsync(string ns, string id, string title, string? parentId, CancellationToken cancellationToken)
    {
        if (!CategoryValidation.IsCategoryId(id))
        {
            return CategoryOutcome.NotFound;
        }

        if (parentId is not null && !CategoryValidation.IsCategoryId(parentId))
        {
            return CategoryOutcome.ParentNotFound;
        }

        var container = await files.GetContainerAsync(cancellationToken);
        string? lockOwner = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var current = await ReadAsync(container, ns, id, cancellationToken);
                if (current is null)
                {
                    return CategoryOutcome.NotFound;
                }

                var moving = current.ParentId != parentId;
                if (moving && lockOwner is null)
                {
                    lockOwner = await treeLock.AcquireAsync(ns, cancellationToken);
                    if (lockOwner is null)
                    {
                        return CategoryOutcome.TreeBusy;
                    }

                    // Read again under the lock: the checks below must see every earlier move.
                    current = await ReadAsync(container, ns, id, cancellationToken);
                    if (current is null)
                    {
                        return CategoryOutcome.NotFound;
                    }

                    moving = current.ParentId != parentId;
                }

                var level = current.Level;
                if (moving)
                {
                    var snapshot = await ListAsync(container, ns, cancellationToken);
                    if (CheckMove(snapshot, id, parentId, out level) is { } refused)
                    {
                        return refused;
                    }
                }

                var renamed = Slugger.Slugify(title) != Slugger.Slugify(current.Title);
                if (!moving && !renamed && title == current.Title)
                {
                    return new(CategoryOutcome.Applied, current);
                }

                var slug = moving || renamed
                    ? await slugs.ReserveAsync(container, ns, parentId, Slugger.Slugify(title), id, cancellationToken)
                    : current.Slug;
                var next = current with { Title = title, ParentId = parentId, Slug = slug, Level = level, UpdatedAt = time.GetUtcNow(), ETag = null };

                WriteResult<CategoryDocument> replaced;
                var applied = false;
                try
                {
                    replaced = await container.ReplaceIfMatchAsync(next, current.ETag!, cancellationToken);
                    applied = replaced.Applied;
                }
                finally
                {
                    if (!applied && next.ReservationId != current.ReservationId)
                    {
                        await SlugReservations.ReleaseAsync(container, ns, next.ReservationId, id);
                    }
                }

                switch (replaced.Outcome)
                {
                    case WriteOutcome.NotFound:
                        return CategoryOutcome.NotFound;
                    case WriteOutcome.PreconditionFailed when attempt < MaxWriteAttempts:
                        continue;
                    case WriteOutcome.Applied:
                        // Committed: what follows completes it, so it no longer listens to the caller's cancellation.
                        return await CompleteUpdateAsync(container, ns, current, replaced.Document!, moving);
                    default:
                        throw new InvalidOperationException($"Category {id} kept changing during {MaxWriteAttempts} update attempts.");
                }
            }
        }
        finally
        {
            if (lockOwner is not null)
            {
                await treeLock.ReleaseAsync(ns, lockOwner);
            }
        }
    }

    /// <summary>Deletes a category without children (its slug reservation too).</summary>
    public async Task<CategoryWrite> DeleteAsync(string ns, string id, CancellationToken cancellationToken)
    {
        if (!CategoryValidation.IsCategoryId(id))
        {
            return CategoryOutcome.NotFound;
        }

        var container = await files.GetContainerAsync(cancellationToken);
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await ReadAsync(container, ns, id, cancellationToken);
            if (current is null)
            {
                return CategoryOutcome.NotFound;
            }

            // Mark, then look for children: a child written after the look sees the mark (ConfirmParentAsync).
            var marked = await container.ReplaceIfMatchAsync(current with { DeletingAt = time.GetUtcNow(), ETag = null }, current.ETag!, cancellationToken);
            if (marked.Outcome == WriteOutcome.NotFound)
            {
                return CategoryOutcome.NotFound;
            }

            if (!marked.Applied)
            {
                continue;
            }

            if (await HasChildrenAsync(container, ns, id, cancellationToken))
            {
                await container.ReplaceIfMatchAsync(marked.Document! with { DeletingAt = null, ETag = null }, marked.Document!.ETag!, CancellationToken.None);
                return CategoryOutcome.HasChildren;
            }

            try
            {
                await container.DeleteItemAsync<CategoryDocument>(current.Id, new PartitionKey(current.Pk),
                    new ItemRequestOptions { IfMatchEtag = marked.Document!.ETag }, cancellationToken);
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return CategoryOutcome.NotFound;
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                // Renamed or moved after the mark: check its children again.
                continue;
            }

            await SlugReservations.ReleaseAsync(container, ns, current.ReservationId, id);
            return CategoryOutcome.Applied;
        }

        throw new InvalidOperationException($"Category {id} kept changing during {MaxWriteAttempts} delete attempts.");
    }

    /// <summary>Null when the move is allowed (and its level), else why not.</summary>
    internal CategoryOutcome? CheckMove(IReadOnlyList<CategoryDocument> snapshot, string id, string? parentId, out int level)
    {
        level = 0;
        var byId = snapshot.ToDictionary(c => c.CategoryId, StringComparer.Ordinal);
        if (parentId is not null)
        {
            if (!byId.TryGetValue(parentId, out var parent) || parent.IsBeingDeleted(time.GetUtcNow()))
            {
                return CategoryOutcome.ParentNotFound;
            }

            if (CategoryTree.CreatesCycle(byId, id, parentId))
            {
                return CategoryOutcome.Cycle;
            }

            level = parent.Level + 1;
        }

        // The whole subtree moves along: its deepest descendant must still fit.
        return level + CategoryTree.Height(snapshot, id) > MaxDepth ? CategoryOutcome.TooDeep : null;
    }

    private async Task<CategoryWrite> CompleteUpdateAsync(Container container, string ns, CategoryDocument before, CategoryDocument after, bool moving)
    {
        if (moving && after.ParentId is not null)
        {
            var parent = await ReadAsync(container, ns, after.ParentId, CancellationToken.None);
            if (parent is null || parent.IsBeingDeleted(time.GetUtcNow()))
            {
                // The new parent is being deleted and may not have seen us: put the category back where it was.
                var reverted = await container.ReplaceIfMatchAsync(before with { ETag = null }, after.ETag!, CancellationToken.None);
                if (!reverted.Applied)
                {
                    Log.RevertFailed(logger, ns, after.CategoryId, reverted.Outcome);
                }

                if (after.ReservationId != before.ReservationId)
                {
                    await SlugReservations.ReleaseAsync(container, ns, after.ReservationId, after.CategoryId);
                }

                return CategoryOutcome.ParentNotFound;
            }
        }

        if (after.ReservationId != before.ReservationId)
        {
            await SlugReservations.ReleaseAsync(container, ns, before.ReservationId, after.CategoryId);
        }

        if (after.Level != before.Level)
        {
            await RelevelAsync(container, ns, after.CategoryId);
        }

        return new(CategoryOutcome.Applied, after);
    }

    /// <summary>
    /// Brings the levels below a moved category in line with its own. Each pass reads the namespace once and rewrites
    /// what is off; passes repeat until one finds nothing, so children created or conflicting writes meanwhile are
    /// fixed by the next pass.
    /// </summary>
    private async Task RelevelAsync(Container container, string ns, string movedId)
    {
        for (var pass = 0; pass < MaxRelevelPasses; pass++)
        {
            var snapshot = await ListAsync(container, ns, CancellationToken.None);
            var moved = snapshot.FirstOrDefault(c => c.CategoryId == movedId);
            if (moved is null)
            {
                return;
            }

            var changes = CategoryTree.Relevel(snapshot, movedId, moved.Level);
            if (changes.Count == 0)
            {
                return;
            }

            var now = time.GetUtcNow();
            foreach (var (category, level) in changes)
            {
                // A conflict (renamed or deleted meanwhile) is left to the next pass, which reads it afresh.
                await container.ReplaceIfMatchAsync(category with { Level = level, UpdatedAt = now, ETag = null }, category.ETag!, CancellationToken.None);
            }
        }

        Log.RelevelUnfinished(logger, ns, movedId, MaxRelevelPasses);
    }

    /// <summary>After a create under a parent: the parent may have been marked for deletion or moved while we wrote.</summary>
    private async Task<CategoryWrite> ConfirmParentAsync(Container container, string ns, CategoryDocument created)
    {
        var parent = await ReadAsync(container, ns, created.ParentId!, CancellationToken.None);
        if (parent is null || parent.IsBeingDeleted(time.GetUtcNow()))
        {
            await RemoveAsync(container, ns, created);
            return CategoryOutcome.ParentNotFound;
        }

        var level = parent.Level + 1;
        if (level == created.Level)
        {
            return new(CategoryOutcome.Applied, created);
        }

        if (level > MaxDepth)
        {
            await RemoveAsync(container, ns, created);
            return CategoryOutcome.TooDeep;
        }

        var releveled = await container.ReplaceIfMatchAsync(created with { Level = level, ETag = null }, created.ETag!, CancellationToken.None);
        return new(CategoryOutcome.Applied, releveled.Applied
            ? releveled.Document
            : await ReadAsync(container, ns, created.CategoryId, CancellationToken.None) ?? created);
    }

    private static async Task RemoveAsync(Container container, string ns, CategoryDocument category)
    {
        try
        {
            await container.DeleteItemAsync<CategoryDocument>(category.Id, new PartitionKey(category.Pk), cancellationToken: CancellationToken.None);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }

        await SlugReservations.ReleaseAsync(container, ns, category.ReservationId, category.CategoryId);
    }

    private static async Task<CategoryDocument?> ReadAsync(Container container, string ns, string id, CancellationToken cancellationToken)
    {
        var category = await container.ReadItemOrDefaultAsync<CategoryDocument>(CategoryKeys.Id(id), CategoryKeys.Pk(ns), cancellationToken);
        return category is { Type: CategoryDocument.Kind } ? category : null;
    }

    private static async Task<IReadOnlyList<CategoryDocument>> ListAsync(Container container, string ns, CancellationToken cancellationToken)
    {
        var pk = CategoryKeys.Pk(ns);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type")
            .WithParameter("@pk", pk)
            .WithParameter("@type", CategoryDocument.Kind);
        var categories = new List<CategoryDocument>();
        using var iterator = container.GetItemQueryIterator<CategoryDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(pk) });
        while (iterator.HasMoreResults)
        {
            categories.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return categories;
    }

    private static async Task<long> CountAsync(Container container, string ns, CancellationToken cancellationToken)
    {
        var pk = CategoryKeys.Pk(ns);
        var query = new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk AND c.type = @type")
            .WithParameter("@pk", pk)
            .WithParameter("@type", CategoryDocument.Kind);
        using var iterator = container.GetItemQueryIterator<long>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(pk) });
        long count = 0;
        while (iterator.HasMoreResults)
        {
            count += (await iterator.ReadNextAsync(cancellationToken)).Sum();
        }

        return count;
    }

    private static async Task<bool> HasChildrenAsync(Container container, string ns, string id, CancellationToken cancellationToken)
    {
        var pk = CategoryKeys.Pk(ns);
        var query = new QueryDefinition("SELECT TOP 1 VALUE c.categoryId FROM c WHERE c.pk = @pk AND c.type = @type AND c.parentId = @id")
            .WithParameter("@pk", pk)
            .WithParameter("@type", CategoryDocument.Kind)
            .WithParameter("@id", id);
        using var iterator = container.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(pk) });
        while (iterator.HasMoreResults)
        {
            if ((await iterator.ReadNextAsync(cancellationToken)).Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Category {CategoryId} in namespace {Namespace}: moved under a parent being deleted, and putting it back failed ({Outcome}).")]
        public static partial void RevertFailed(ILogger logger, string @namespace, string categoryId, WriteOutcome outcome);

        [LoggerMessage(2, LogLevel.Warning, "Levels below category {CategoryId} in namespace {Namespace} still changing after {Passes} passes; they are corrected by the next move of this category.")]
        public static partial void RelevelUnfinished(ILogger logger, string @namespace, string categoryId, int passes);
    }
}
