using System.Net;
using Hit.Files.Categories;
using Hit.Testing;

namespace Hit.Files.Tests.Categories;

/// <summary>The category API over HTTP against the real local Cosmos server; every test in its own namespace.</summary>
public sealed class CategoryApiTests(FilesApp factory) : IClassFixture<FilesApp>
{
    // FilesOptions.MaxCategoryDepth's default; the factory does not change it.
    private const int MaxDepth = 5;

    private CategoryApi Api(string? ns = null) => new(factory.Client(ns ?? FilesApp.NewNamespace()));

    [Fact]
    public async Task CreateCategory_Root_Returns201WithSlugLevelAndLocation()
    {
        var api = Api();

        var response = await api.PostAsync("  Été Photos ");
        var created = await CategoryApi.ReadAsync(response, HttpStatusCode.Created);

        Assert.Matches("^[0-9a-f]{32}$", created.Id);
        Assert.Equal(("Été Photos", "ete-photos", null, 0), (created.Title, created.Slug, created.ParentId, created.Level));
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        Assert.InRange(created.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal($"/categories/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(created, await api.GetAsync(created.Id));
    }

    [Fact]
    public async Task CreateCategory_Children_AreOneLevelBelowTheirParent()
    {
        var api = Api();
        var root = await api.CreateAsync("Root");

        var child = await api.CreateAsync("Child", root.Id);
        var grandchild = await api.CreateAsync("Grandchild", child.Id);

        Assert.Equal((root.Id, 1), (child.ParentId, child.Level));
        Assert.Equal((child.Id, 2), (grandchild.ParentId, grandchild.Level));
    }

    [Fact]
    public async Task CreateCategory_SameTitleAmongSiblings_GetsSuffix_ButNotUnderAnotherParent()
    {
        var api = Api();
        var a = await api.CreateAsync("Parent A");
        var b = await api.CreateAsync("Parent B");

        var first = await api.CreateAsync("Holidays", a.Id);
        var second = await api.CreateAsync("holidays!", a.Id);
        var elsewhere = await api.CreateAsync("Holidays", b.Id);
        var root = await api.CreateAsync("Holidays");

        Assert.Equal(["holidays", "holidays-2", "holidays", "holidays"], new[] { first, second, elsewhere, root }.Select(c => c.Slug));
    }

    [Fact]
    public async Task CreateCategory_TitleWithNothingLatin_GetsCategorySlugs()
    {
        var api = Api();

        var first = await api.CreateAsync("🎉🎈");
        var second = await api.CreateAsync("写真");

        Assert.Equal(("category", "category-2"), (first.Slug, second.Slug));
    }

    [Fact]
    public async Task CreateCategory_TenConcurrentSameTitle_GetsTenDistinctSlugs()
    {
        var api = Api();
        var parent = await api.CreateAsync("Parent");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => api.PostAsync("x", parent.Id)));
        var created = await Task.WhenAll(responses.Select(r => CategoryApi.ReadAsync(r, HttpStatusCode.Created)));

        Assert.Equal(["x", .. Enumerable.Range(2, 9).Select(n => $"x-{n}")], created.Select(c => c.Slug).OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal));
        Assert.Equal(10, (await api.ListAsync()).Count(c => c.ParentId == parent.Id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public async Task CreateCategory_MissingBlankOrControlTitle_Returns400Title(string? title)
    {
        var (code, field) = await CategoryApi.ProblemAsync(await Api().PostAsync(title), HttpStatusCode.BadRequest);

        Assert.Equal(("validation_failed", "title"), (code, field));
    }

    [Fact]
    public async Task CreateCategory_Title200CharsIsFine_201IsRefused()
    {
        var api = Api();

        var longest = await api.CreateAsync(new string('t', 200));
        var (_, field) = await CategoryApi.ProblemAsync(await api.PostAsync(new string('t', 201)), HttpStatusCode.BadRequest);

        Assert.Equal(200, longest.Title.Length);
        Assert.Equal(Slugger.MaxLength, longest.Slug.Length);
        Assert.Equal("title", field);
        Assert.Single(await api.ListAsync());
    }

    [Theory]
    [InlineData("0190a1b2c3d47e8f9a0b1c2d3e4f5a6b")]
    [InlineData("not-an-id")]
    public async Task CreateCategory_UnknownOrMalformedParent_Returns404ParentNotFound(string parentId)
    {
        var api = Api();

        var (code, field) = await CategoryApi.ProblemAsync(await api.PostAsync("Orphan", parentId), HttpStatusCode.NotFound);

        Assert.Equal((CategoryProblemCodes.ParentNotFound, "parent_id"), (code, field));
        Assert.Empty(await api.ListAsync());
    }

    [Fact]
    public async Task CreateCategory_BelowMaxDepth_Returns400TooDeep()
    {
        var api = Api();
        var chain = await api.ChainAsync("level", MaxDepth + 1);

        var (code, field) = await CategoryApi.ProblemAsync(await api.PostAsync("too deep", chain[^1].Id), HttpStatusCode.BadRequest);

        Assert.Equal(MaxDepth, chain[^1].Level);
        Assert.Equal((CategoryProblemCodes.TooDeep, "parent_id"), (code, field));
    }

    [Theory]
    [InlineData("0190a1b2c3d47e8f9a0b1c2d3e4f5a6b")]
    [InlineData("nope")]
    [InlineData("0190A1B2C3D47E8F9A0B1C2D3E4F5A6B")]
    public async Task GetCategory_UnknownOrMalformedId_Returns404(string id)
    {
        var (code, _) = await CategoryApi.ProblemAsync(await Api().Http.GetAsync($"/categories/{id}"), HttpStatusCode.NotFound);

        Assert.Equal(CategoryProblemCodes.CategoryNotFound, code);
    }

    [Fact]
    public async Task ListCategories_Flat_OrdersByLevelThenTitleIgnoringCase()
    {
        var api = Api();
        var banana = await api.CreateAsync("banana");
        var apple = await api.CreateAsync("Apple");
        await api.CreateAsync("cherry");
        await api.CreateAsync("zebra", apple.Id);
        await api.CreateAsync("Ant", banana.Id);

        var items = await api.ListAsync();

        Assert.Equal(["Apple", "banana", "cherry", "Ant", "zebra"], items.Select(c => c.Title));
        Assert.Equal([0, 0, 0, 1, 1], items.Select(c => c.Level));
        Assert.Equal(banana.Id, items[3].ParentId);
        Assert.All(items, c => Assert.Null(c.Children));
    }

    [Fact]
    public async Task ListCategories_Tree_NestsChildrenInTitleOrder()
    {
        var api = Api();
        var photos = await api.CreateAsync("Photos");
        var docs = await api.CreateAsync("docs");
        var summer = await api.CreateAsync("summer", photos.Id);
        await api.CreateAsync("Autumn", photos.Id);
        await api.CreateAsync("Beach", summer.Id);

        var tree = await api.ListAsync(tree: true);

        Assert.Equal([docs.Id, photos.Id], tree.Select(c => c.Id));
        Assert.Empty(tree[0].Children!);
        Assert.Equal(["Autumn", "summer"], tree[1].Children!.Select(c => c.Title));
        Assert.Equal("Beach", Assert.Single(tree[1].Children![1].Children!).Title);
        Assert.Equal(2, tree[1].Children![1].Children![0].Level);
    }

    [Fact]
    public async Task UpdateCategory_Rename_ChangesSlugAndFreesTheOldOne()
    {
        var api = Api();
        var original = await api.CreateAsync("Old Name");

        var renamed = await api.UpdateAsync(original.Id, "New Name");
        var reuser = await api.CreateAsync("Old Name");

        Assert.Equal(("New Name", "new-name", original.CreatedAt), (renamed.Title, renamed.Slug, renamed.CreatedAt));
        Assert.True(renamed.UpdatedAt > original.UpdatedAt);
        Assert.Equal("old-name", reuser.Slug);
        Assert.Equal(renamed, await api.GetAsync(original.Id));
    }

    [Fact]
    public async Task UpdateCategory_TitleWithTheSameSlug_KeepsItsSuffixedSlug()
    {
        var api = Api();
        await api.CreateAsync("News");
        var second = await api.CreateAsync("News");

        var recased = await api.UpdateAsync(second.Id, "NEWS");
        var toOwnSlug = await api.UpdateAsync(second.Id, "News 2");

        Assert.Equal("news-2", second.Slug);
        Assert.Equal(("NEWS", "news-2"), (recased.Title, recased.Slug));
        Assert.Equal("news-2", toOwnSlug.Slug);
    }

    [Fact]
    public async Task UpdateCategory_Move_RelevelsTheWholeSubtree_AndSlugsUniqueUnderTheNewParent()
    {
        var api = Api();
        var target = await api.ChainAsync("target", 2);
        await api.CreateAsync("Moved", target[^1].Id);
        var moved = await api.CreateAsync("Moved");
        var child = await api.CreateAsync("Child", moved.Id);
        var grandchild = await api.CreateAsync("Grandchild", child.Id);

        var after = await api.UpdateAsync(moved.Id, "Moved", target[^1].Id);

        Assert.Equal((target[^1].Id, 2, "moved-2"), (after.ParentId, after.Level, after.Slug));
        Assert.Equal(3, (await api.GetAsync(child.Id)).Level);
        Assert.Equal(4, (await api.GetAsync(grandchild.Id)).Level);
        Assert.Equal("moved", (await api.CreateAsync("Moved")).Slug);
    }

    [Fact]
    public async Task UpdateCategory_MoveToRoot_RelevelsTheSubtree()
    {
        var api = Api();
        var chain = await api.ChainAsync("n", 4);

        var root = await api.UpdateAsync(chain[2].Id, "n2", parentId: null);

        Assert.Equal((null, 0), (root.ParentId, root.Level));
        Assert.Equal(1, (await api.GetAsync(chain[3].Id)).Level);
        Assert.Equal([0, 0, 1, 1], (await api.ListAsync()).Select(c => c.Level));
    }

    [Fact]
    public async Task UpdateCategory_MoveUnderItselfOrADescendant_Returns409Cycle_AndChangesNothing()
    {
        var api = Api();
        var chain = await api.ChainAsync("c", 3);
        var before = await api.ListAsync();

        var (underItself, _) = await CategoryApi.ProblemAsync(await api.PutAsync(chain[0].Id, "c0", chain[0].Id), HttpStatusCode.Conflict);
        var (underGrandchild, _) = await CategoryApi.ProblemAsync(await api.PutAsync(chain[0].Id, "renamed too", chain[2].Id), HttpStatusCode.Conflict);

        Assert.Equal(CategoryProblemCodes.Cycle, underItself);
        Assert.Equal(CategoryProblemCodes.Cycle, underGrandchild);
        Assert.Equal(before, await api.ListAsync());
    }

    [Fact]
    public async Task UpdateCategory_MoveWhoseSubtreeWouldPassMaxDepth_Returns400TooDeep()
    {
        var api = Api();
        var deep = await api.ChainAsync("deep", MaxDepth);         // levels 0 … MaxDepth-1
        var subtree = await api.ChainAsync("sub", 2);              // a root with one child

        // Under the deepest category the root itself would fit (MaxDepth), its child would not.
        var (code, field) = await CategoryApi.ProblemAsync(await api.PutAsync(subtree[0].Id, "sub0", deep[^1].Id), HttpStatusCode.BadRequest);
        var leaf = await api.UpdateAsync(subtree[1].Id, "sub1", deep[^1].Id);

        Assert.Equal((CategoryProblemCodes.TooDeep, "parent_id"), (code, field));
        Assert.Equal((null, 0), ((await api.GetAsync(subtree[0].Id)).ParentId, (await api.GetAsync(subtree[0].Id)).Level));
        Assert.Equal(MaxDepth, leaf.Level);
    }

    [Fact]
    public async Task UpdateCategory_UnknownParentOrCategory_Returns404()
    {
        var api = Api();
        var category = await api.CreateAsync("Here");

        var (parentCode, _) = await CategoryApi.ProblemAsync(await api.PutAsync(category.Id, "Here", "0190a1b2c3d47e8f9a0b1c2d3e4f5a6b"), HttpStatusCode.NotFound);
        var (missingCode, _) = await CategoryApi.ProblemAsync(await api.PutAsync("0190a1b2c3d47e8f9a0b1c2d3e4f5a6b", "Here"), HttpStatusCode.NotFound);
        var (title, field) = await CategoryApi.ProblemAsync(await api.PutAsync(category.Id, " "), HttpStatusCode.BadRequest);

        Assert.Equal(CategoryProblemCodes.ParentNotFound, parentCode);
        Assert.Equal(CategoryProblemCodes.CategoryNotFound, missingCode);
        Assert.Equal(("validation_failed", "title"), (title, field));
        Assert.Equal(category, await api.GetAsync(category.Id));
    }

    [Fact]
    public async Task UpdateCategory_TwoConcurrentMovesThatWouldFormALoop_OnlyOneWins()
    {
        var api = Api();
        var a = await api.CreateAsync("A");
        var b = await api.CreateAsync("B");

        var responses = await Task.WhenAll(api.PutAsync(a.Id, "A", b.Id), api.PutAsync(b.Id, "B", a.Id));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal(CategoryProblemCodes.Cycle, (await CategoryApi.ProblemAsync(loser, HttpStatusCode.Conflict)).Code);
        var tree = await api.ListAsync(tree: true);
        Assert.Equal(1, Assert.Single(tree).Children![0].Level);
    }

    [Fact]
    public async Task DeleteCategory_WithChildren_Returns409_ThenLeafAndParentDelete()
    {
        var api = Api();
        var parent = await api.CreateAsync("Parent");
        var child = await api.CreateAsync("Child", parent.Id);

        var (code, _) = await CategoryApi.ProblemAsync(await api.Http.DeleteAsync($"/categories/{parent.Id}"), HttpStatusCode.Conflict);
        var childDeleted = await api.Http.DeleteAsync($"/categories/{child.Id}");
        var parentDeleted = await api.Http.DeleteAsync($"/categories/{parent.Id}");

        Assert.Equal(CategoryProblemCodes.HasChildren, code);
        Assert.Equal(HttpStatusCode.NoContent, childDeleted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, parentDeleted.StatusCode);
        Assert.Empty(await api.ListAsync());
        await CategoryApi.ProblemAsync(await api.Http.GetAsync($"/categories/{parent.Id}"), HttpStatusCode.NotFound);
        await CategoryApi.ProblemAsync(await api.Http.DeleteAsync($"/categories/{parent.Id}"), HttpStatusCode.NotFound);
        Assert.Equal("parent", (await api.CreateAsync("Parent")).Slug);
    }

    [Fact]
    public async Task DeleteCategory_RefusedWithChildren_StillAcceptsNewChildren()
    {
        var api = Api();
        var parent = await api.CreateAsync("Parent");
        await api.CreateAsync("Child", parent.Id);

        await CategoryApi.ProblemAsync(await api.Http.DeleteAsync($"/categories/{parent.Id}"), HttpStatusCode.Conflict);
        var second = await api.CreateAsync("Second", parent.Id);

        Assert.Equal(1, second.Level);
    }

    [Fact]
    public async Task DeleteCategory_RacingACreateUnderIt_NeverLeavesAnOrphan()
    {
        var api = Api();
        for (var round = 0; round < 8; round++)
        {
            var parent = await api.CreateAsync($"Parent {round}");

            var deleting = api.Http.DeleteAsync($"/categories/{parent.Id}");
            var creating = api.PostAsync("Child", parent.Id);
            var (deleted, created) = (await deleting, await creating);

            // At most one wins: the parent is gone and the child refused, or the child exists and the delete refused.
            // In an exact tie both are refused (the create backs out of the marked parent after the delete saw it) —
            // a retry then succeeds; never may both succeed.
            if (deleted.StatusCode == HttpStatusCode.NoContent)
            {
                Assert.Equal(CategoryProblemCodes.ParentNotFound, (await CategoryApi.ProblemAsync(created, HttpStatusCode.NotFound)).Code);
            }
            else
            {
                Assert.Equal(CategoryProblemCodes.HasChildren, (await CategoryApi.ProblemAsync(deleted, HttpStatusCode.Conflict)).Code);
                if (created.StatusCode == HttpStatusCode.Created)
                {
                    Assert.Equal(1, (await CategoryApi.ReadAsync(created, HttpStatusCode.Created)).Level);
                }
                else
                {
                    Assert.Equal(CategoryProblemCodes.ParentNotFound, (await CategoryApi.ProblemAsync(created, HttpStatusCode.NotFound)).Code);
                    Assert.Equal(HttpStatusCode.NoContent, (await api.Http.DeleteAsync($"/categories/{parent.Id}")).StatusCode);
                }
            }
        }

        var all = await api.ListAsync();
        Assert.All(all, c => Assert.True(c.ParentId is null || all.Any(p => p.Id == c.ParentId), $"{c.Title} is orphaned"));
    }

    [Fact]
    public async Task UpdateCategory_MovesWhileChildrenAreCreatedBelow_LeaveEveryLevelConsistent()
    {
        var api = Api();
        var left = await api.CreateAsync("Left");
        var right = await api.ChainAsync("right", 2);
        var moved = await api.CreateAsync("Moved", left.Id);
        var child = await api.CreateAsync("Child", moved.Id);

        // Creates keep landing below the moving category while it goes back and forth between levels 1 and 2.
        using var moving = new CancellationTokenSource();
        async Task CreateUntilDoneAsync(string parentId, string prefix)
        {
            for (var i = 0; !moving.IsCancellationRequested; i++)
            {
                await CategoryApi.ReadAsync(await api.PostAsync($"{prefix} {i}", parentId), HttpStatusCode.Created);
            }
        }

        var creators = new[] { CreateUntilDoneAsync(moved.Id, "Late child"), CreateUntilDoneAsync(child.Id, "Late grandchild") };
        for (var i = 0; i < 6; i++)
        {
            await api.UpdateAsync(moved.Id, "Moved", i % 2 == 0 ? right[^1].Id : left.Id);
        }

        await moving.CancelAsync();
        await Task.WhenAll(creators);

        var byId = (await api.ListAsync()).ToDictionary(c => c.Id);
        Assert.True(byId.Count > 8, $"only {byId.Count} categories: the creates did not overlap the moves");
        Assert.All(byId.Values, c => Assert.Equal(c.ParentId is null ? 0 : byId[c.ParentId].Level + 1, c.Level));
    }

    [Fact]
    public void CategoryEndpoints_AreTheFiveNamedFunctions()
    {
        // What the Worker SDK generated for the build (functions.metadata), as the host reads it.
        var functions = OpenApiContract.HttpFunctions(OpenApiDocumentTests.FunctionsMetadata)
            .Where(f => f.Function.Contains("Categor", StringComparison.Ordinal))
            .Select(f => (f.Function, Route: f.Path.TrimStart('/'), Method: f.Method.ToLowerInvariant()))
            .Order();

        Assert.Equal(
            [
                ("CreateCategory", "categories", "post"),
                ("DeleteCategory", "categories/{id}", "delete"),
                ("GetCategory", "categories/{id}", "get"),
                ("ListCategories", "categories", "get"),
                ("UpdateCategory", "categories/{id}", "put"),
            ],
            functions);
    }

    [Fact]
    public async Task Categories_AreIsolatedPerNamespace()
    {
        var tenantA = Api();
        var tenantB = Api();
        var category = await tenantA.CreateAsync("Private");

        await CategoryApi.ProblemAsync(await tenantB.Http.GetAsync($"/categories/{category.Id}"), HttpStatusCode.NotFound);
        var (asParent, _) = await CategoryApi.ProblemAsync(await tenantB.PostAsync("Intruder", category.Id), HttpStatusCode.NotFound);
        await CategoryApi.ProblemAsync(await tenantB.PutAsync(category.Id, "Taken over"), HttpStatusCode.NotFound);
        await CategoryApi.ProblemAsync(await tenantB.Http.DeleteAsync($"/categories/{category.Id}"), HttpStatusCode.NotFound);
        var own = await tenantB.CreateAsync("Private");

        Assert.Equal(CategoryProblemCodes.ParentNotFound, asParent);
        Assert.Equal("private", own.Slug);
        Assert.Equal([own.Id], (await tenantB.ListAsync()).Select(c => c.Id));
        Assert.Equal(category, await tenantA.GetAsync(category.Id));
    }
}
