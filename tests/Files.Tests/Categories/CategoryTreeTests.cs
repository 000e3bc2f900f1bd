using Hit.Contracts.Files;
using Hit.Files.Categories;

namespace Hit.Files.Tests.Categories;

public sealed class CategoryTreeTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static CategoryDocument Category(string id, string title, string? parentId = null, int level = 0) => new()
    {
        Id = CategoryKeys.Id(id),
        Pk = CategoryKeys.Pk("t"),
        Ns = "t",
        CategoryId = id,
        Title = title,
        Slug = Slugger.Slugify(title),
        ParentId = parentId,
        Level = level,
        CreatedAt = At,
        UpdatedAt = At,
    };

    [Fact]
    public void Flat_OrdersByLevelThenTitleIgnoringCase()
    {
        CategoryDocument[] categories =
        [
            Category("c1", "zebra", "r2", 1),
            Category("r1", "banana"),
            Category("r2", "Apple"),
            Category("c2", "Ant", "r1", 1),
            Category("r3", "cherry"),
        ];

        var flat = CategoryTree.Flat(categories);

        Assert.Equal(["Apple", "banana", "cherry", "Ant", "zebra"], flat.Select(c => c.Title));
        Assert.All(flat, c => Assert.Null(c.Children));
    }

    [Fact]
    public void Nest_NestsChildrenInOrder_AndShowsOrphansAsRoots()
    {
        CategoryDocument[] categories =
        [
            Category("r1", "Root"),
            Category("b", "beta", "r1", 1),
            Category("a", "Alpha", "r1", 1),
            Category("g", "Grandchild", "a", 2),
            Category("o", "Orphan", "missing", 3),
        ];

        var tree = CategoryTree.Nest(categories);

        Assert.Equal(["Root", "Orphan"], tree.Select(c => c.Title));
        Assert.Equal(["Alpha", "beta"], tree[0].Children!.Select(c => c.Title));
        Assert.Equal("Grandchild", Assert.Single(tree[0].Children![0].Children!).Title);
        Assert.Empty(tree[0].Children![1].Children!);
    }

    [Fact]
    public void Nest_CycleInSnapshot_StillShowsEveryCategoryOnce()
    {
        CategoryDocument[] categories = [Category("a", "A", "b", 1), Category("b", "B", "a", 1), Category("r", "R")];

        var tree = CategoryTree.Nest(categories);

        static IEnumerable<string> All(IEnumerable<CategoryResponse> nodes) =>
            nodes.SelectMany(n => All(n.Children ?? []).Prepend(n.Id));
        Assert.Equal(["a", "b", "r"], All(tree).Order());
    }

    [Fact]
    public void CreatesCycle_UnderItselfOrADescendant_ButNotUnderASibling()
    {
        var byId = new[] { Category("x", "X"), Category("c", "C", "x", 1), Category("g", "G", "c", 2), Category("s", "S") }
            .ToDictionary(c => c.CategoryId);

        Assert.True(CategoryTree.CreatesCycle(byId, "x", "x"));
        Assert.True(CategoryTree.CreatesCycle(byId, "x", "c"));
        Assert.True(CategoryTree.CreatesCycle(byId, "x", "g"));
        Assert.False(CategoryTree.CreatesCycle(byId, "x", "s"));
        Assert.False(CategoryTree.CreatesCycle(byId, "g", "s"));
        Assert.False(CategoryTree.CreatesCycle(byId, "g", null));
    }

    [Fact]
    public void Height_CountsLevelsBelow()
    {
        CategoryDocument[] categories = [Category("x", "X"), Category("c", "C", "x", 1), Category("g", "G", "c", 2), Category("d", "D", "x", 1)];

        Assert.Equal(2, CategoryTree.Height(categories, "x"));
        Assert.Equal(1, CategoryTree.Height(categories, "c"));
        Assert.Equal(0, CategoryTree.Height(categories, "g"));
    }

    [Fact]
    public void Relevel_ListsOnlyTheDescendantsWhoseLevelChanges()
    {
        CategoryDocument[] categories =
        [
            Category("x", "X", "p", 3), Category("c", "C", "x", 2), Category("g", "G", "c", 3), Category("other", "Other", null, 0),
        ];

        var changes = CategoryTree.Relevel(categories, "x", 3);

        Assert.Equal([("c", 4), ("g", 5)], changes.Select(c => (c.Category.CategoryId, c.Level)));
        Assert.Empty(CategoryTree.Relevel(categories, "c", 2));
    }
}
