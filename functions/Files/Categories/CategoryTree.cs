using Hit.Contracts.Files;

namespace Hit.Files.Categories;

/// <summary>
/// Decisions over a snapshot of a namespace's categories: ordering, nesting, cycle and depth checks, and which levels
/// a move changes. Pure (no I/O), so it is unit-tested directly.
/// </summary>
/// <remarks>
/// Every walk keeps a visited set: the store prevents cycles, but a snapshot taken while writes are in flight is not
/// a transaction, and a malformed snapshot must give a wrong-looking answer rather than a hang.
/// </remarks>
internal static class CategoryTree
{
    /// <summary>Level, then title ignoring case (ordinal, so the order does not depend on the server's culture), then id to be total.</summary>
    public static readonly IComparer<CategoryDocument> Order = Comparer<CategoryDocument>.Create((a, b) =>
    {
        var c = a.Level.CompareTo(b.Level);
        if (c == 0)
        {
            c = string.Compare(a.Title, b.Title, StringComparison.OrdinalIgnoreCase);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(a.Title, b.Title);
        }

        return c != 0 ? c : string.CompareOrdinal(a.CategoryId, b.CategoryId);
    });

    public static IReadOnlyList<CategoryResponse> Flat(IEnumerable<CategoryDocument> categories) =>
        [.. categories.Order(Order).Select(c => c.ToResponse())];

    /// <summary>
    /// Roots with nested <c>children</c> (an empty list on leaves), siblings in <see cref="Order"/>. A category whose
    /// parent is missing from the snapshot is shown as a root rather than dropped.
    /// </summary>
    public static IReadOnlyList<CategoryResponse> Nest(IReadOnlyCollection<CategoryDocument> categories)
    {
        var ids = categories.Select(c => c.CategoryId).ToHashSet(StringComparer.Ordinal);
        var children = ChildrenOf(categories);
        var visited = new HashSet<string>(StringComparer.Ordinal);

        var roots = categories.Where(c => c.ParentId is null || !ids.Contains(c.ParentId)).Order(Order).ToList();
        var result = roots.Select(Build).ToList();

        // Only reachable if a cycle slipped in: show its members instead of hiding them.
        foreach (var stranded in categories.Order(Order))
        {
            if (!visited.Contains(stranded.CategoryId))
            {
                result.Add(Build(stranded));
            }
        }

        return result;

        CategoryResponse Build(CategoryDocument category)
        {
            visited.Add(category.CategoryId);
            var nested = children[category.CategoryId].Where(c => !visited.Contains(c.CategoryId)).Order(Order).ToList();
            return category.ToResponse([.. nested.Select(Build)]);
        }
    }

    /// <summary>True when making <paramref name="newParentId"/> the parent of <paramref name="categoryId"/> closes a loop.</summary>
    public static bool CreatesCycle(IReadOnlyDictionary<string, CategoryDocument> byId, string categoryId, string? newParentId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = newParentId; current is not null; current = byId.TryGetValue(current, out var c) ? c.ParentId : null)
        {
            // Reaching an id twice means the ancestors already loop; attaching below them is refused as well.
            if (current == categoryId || !seen.Add(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many levels lie below <paramref name="categoryId"/>: 0 for a leaf, 1 when it has only children, …</summary>
    public static int Height(IReadOnlyCollection<CategoryDocument> categories, string categoryId)
    {
        var children = ChildrenOf(categories);
        var seen = new HashSet<string>(StringComparer.Ordinal) { categoryId };
        var frontier = new List<string> { categoryId };
        var height = -1;
        while (frontier.Count > 0)
        {
            height++;
            frontier = [.. frontier.SelectMany(id => children[id]).Select(c => c.CategoryId).Where(seen.Add)];
        }

        return height;
    }

    /// <summary>
    /// The descendants of <paramref name="rootId"/> whose stored level differs from the one its new level
    /// <paramref name="rootLevel"/> implies, parents before children.
    /// </summary>
    public static IReadOnlyList<(CategoryDocument Category, int Level)> Relevel(IReadOnlyCollection<CategoryDocument> categories, string rootId, int rootLevel)
    {
        var children = ChildrenOf(categories);
        var seen = new HashSet<string>(StringComparer.Ordinal) { rootId };
        var changes = new List<(CategoryDocument, int)>();
        var frontier = new List<string> { rootId };
        for (var level = rootLevel + 1; frontier.Count > 0; level++)
        {
            var next = new List<string>();
            foreach (var child in frontier.SelectMany(id => children[id]).Where(c => seen.Add(c.CategoryId)))
            {
                if (child.Level != level)
                {
                    changes.Add((child, level));
                }

                next.Add(child.CategoryId);
            }

            frontier = next;
        }

        return changes;
    }

    private static ILookup<string, CategoryDocument> ChildrenOf(IEnumerable<CategoryDocument> categories) =>
        categories.Where(c => c.ParentId is not null).ToLookup(c => c.ParentId!, StringComparer.Ordinal);
}
