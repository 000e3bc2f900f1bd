namespace Hit.Files.Categories;

/// <summary>The ProblemDetails <c>code</c>s of the category API; clients branch on these, so they never change once shipped.</summary>
internal static class CategoryProblemCodes
{
    /// <summary>404: no category with this id in the caller's namespace (also for malformed ids).</summary>
    public const string CategoryNotFound = "category_not_found";

    /// <summary>404: <c>parent_id</c> names no category in the caller's namespace (or one being deleted).</summary>
    public const string ParentNotFound = "parent_not_found";

    /// <summary>400 (field <c>parent_id</c>): the category, or the deepest of its descendants, would sit below <c>Files:MaxCategoryDepth</c>.</summary>
    public const string TooDeep = "category_too_deep";

    /// <summary>409: the new parent is the category itself or one of its descendants.</summary>
    public const string Cycle = "category_cycle";

    /// <summary>409: a category with children cannot be deleted; move or delete the children first.</summary>
    public const string HasChildren = "category_has_children";

    /// <summary>409: the namespace holds <see cref="CategoryStore.MaxCategoriesPerNamespace"/> categories already.</summary>
    public const string LimitReached = "category_limit_reached";

    /// <summary>409: another move in this namespace held the tree lock for too long; retry.</summary>
    public const string TreeBusy = "category_tree_busy";
}
