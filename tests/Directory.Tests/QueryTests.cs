using System.Buffers.Text;
using System.Text;
using Hit.Contracts.Directory;
using Hit.Sdk;

namespace Hit.Directory.Tests;

[Collection(DirectoryCollection.Name)]
public sealed class QueryTests(DirectoryFactory factory)
{
    [Fact]
    public async Task Query_FiltersByEqualityContainsAndRanges()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var guild = "g" + Guid.NewGuid().ToString("N")[..10];
        var alice = await sdk.CreateUserAsync(TestUsers.New(guild, "Alice Wang", born: new DateOnly(1999, 5, 1)));
        var alicia = await sdk.CreateUserAsync(TestUsers.New(guild, "ALICIA Chen", email: $"alicia-{Guid.NewGuid():N}@hackit.tw", born: new DateOnly(2003, 1, 1)));
        var bob = await sdk.CreateUserAsync(TestUsers.New(guild, "Bob Lin", born: new DateOnly(2005, 7, 7)));
        await sdk.CreateUserAsync(TestUsers.New(realName: "Alice Elsewhere"));

        static async Task<string[]> Names(Sdk.Directory.DirectoryClient sdk, UserQuery query) =>
            [.. (await sdk.QueryUsersAsync(query)).Items.Select(u => u.RealName)];

        Assert.Equal(["Alice Wang", "ALICIA Chen", "Bob Lin"], await Names(sdk, new UserQuery { GuildId = guild }));
        Assert.Equal(["Alice Wang", "ALICIA Chen"], await Names(sdk, new UserQuery { GuildId = guild, RealNameContains = "aLi" }));
        Assert.Equal(["ALICIA Chen"], await Names(sdk, new UserQuery { GuildId = guild, EmailContains = "@HACKIT.tw" }));
        Assert.Equal(["Bob Lin"], await Names(sdk, new UserQuery { Email = bob.Email.ToUpperInvariant() }));
        Assert.Equal(["Alice Wang"], await Names(sdk, new UserQuery { UserId = alice.UserId, GuildId = guild }));
        Assert.Equal(["ALICIA Chen", "Bob Lin"], await Names(sdk, new UserQuery { GuildId = guild, DateOfBirth = new DateRange(new DateOnly(2000, 1, 1)) }));
        Assert.Equal(["Alice Wang", "ALICIA Chen"], await Names(sdk, new UserQuery { GuildId = guild, CreatedAt = new TimeRange(alice.CreatedAt, alicia.CreatedAt) }));
        Assert.Equal(["Bob Lin", "ALICIA Chen", "Alice Wang"], await Names(sdk, new UserQuery { GuildId = guild, SortBy = "real_name", SortOrder = "desc" }));
        Assert.Equal(["Bob Lin", "ALICIA Chen", "Alice Wang"], await Names(sdk, new UserQuery { GuildId = guild, SortOrder = "desc" }));
    }

    [Fact]
    public async Task Query_PagesWhileOthersWrite_LoseAndRepeatNothing()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var guild = "g" + Guid.NewGuid().ToString("N")[..10];
        var existing = new List<UserResponse>();
        foreach (var _ in Enumerable.Range(0, 23))
        {
            existing.Add(await sdk.CreateUserAsync(TestUsers.New(guild)));
        }

        var seen = new List<string>();
        var query = new UserQuery { GuildId = guild, PageSize = 5, SortBy = "real_name" };
        var pages = 0;
        while (true)
        {
            var page = await sdk.QueryUsersAsync(query);
            pages++;
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items.Select(u => u.Id));
            // Writes between pages: new users sorting before and after the cursor, and an update of a later user.
            await sdk.CreateUserAsync(TestUsers.New(guild, realName: "AAA inserted " + pages));
            await sdk.CreateUserAsync(TestUsers.New(guild, realName: "zzz inserted " + pages));
            if (page.NextCursor is null)
            {
                break;
            }

            query = query with { Cursor = page.NextCursor };
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(existing, u => Assert.Contains(u.Id, seen));
    }

    [Fact]
    public async Task ListUsers_PagesThroughEveryUserOldestFirst()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var created = new List<string>();
        foreach (var _ in Enumerable.Range(0, 7))
        {
            created.Add((await sdk.CreateUserAsync(TestUsers.New())).Id);
        }

        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await sdk.ListUsersAsync(pageSize: 3, cursor: cursor);
            listed.AddRange(page.Items.Select(u => u.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(created, listed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Query_PageSizeOutOfRange_Returns400(int pageSize)
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());

        var error = await Assert.ThrowsAsync<HitValidationException>(() => sdk.QueryUsersAsync(new UserQuery { PageSize = pageSize }));

        Assert.Equal(("validation_failed", "page_size"), (error.Code, error.Field));
    }

    [Fact]
    public async Task Query_MaxPageSize100_IsAccepted_AndBadSortOrCursorIsRefused()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());

        Assert.Equal(100, (await sdk.QueryUsersAsync(new UserQuery { PageSize = 100 })).PageSize);
        Assert.Equal("sort_by", (await Assert.ThrowsAsync<HitValidationException>(() => sdk.QueryUsersAsync(new UserQuery { SortBy = "c.id; DROP" }))).Field);
        var cursor = await Assert.ThrowsAsync<HitValidationException>(() => sdk.QueryUsersAsync(new UserQuery { Cursor = "not-a-cursor" }));
        Assert.Equal(("invalid_cursor", "cursor"), (cursor.Code, cursor.Field));
    }

    [Fact]
    public async Task Query_CursorOfAnotherSortOrder_IsRefused()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var guild = "g" + Guid.NewGuid().ToString("N")[..10];
        await sdk.CreateUserAsync(TestUsers.New(guild));
        await sdk.CreateUserAsync(TestUsers.New(guild));
        var page = await sdk.QueryUsersAsync(new UserQuery { GuildId = guild, PageSize = 1 });

        var error = await Assert.ThrowsAsync<HitValidationException>(() =>
            sdk.QueryUsersAsync(new UserQuery { GuildId = guild, PageSize = 1, SortBy = "email", Cursor = page.NextCursor }));

        Assert.Equal("invalid_cursor", error.Code);
    }

    [Fact]
    public async Task Query_TamperedForgedOrForeignCursor_IsRefused_AndPagingStillReturnsEveryUserOnce()
    {
        var ns = DirectoryFactory.NewNamespace();
        await using var sdk = factory.Sdk(ns);
        var guild = "g" + Guid.NewGuid().ToString("N")[..10];
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await sdk.CreateUserAsync(TestUsers.New(guild))).Id);
        }

        var query = new UserQuery { GuildId = guild, PageSize = 2 };
        var first = await sdk.QueryUsersAsync(query);
        var cursor = Base64Url.DecodeFromChars(first.NextCursor!);

        // One bit flipped in the position the cursor carries (its last bytes: the sort key).
        var tampered = (byte[])cursor.Clone();
        tampered[^1] ^= 0x01;
        // A cursor in the directory's former unsigned format, naming a position of the client's choice.
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"s":"created_at","d":false,"k":"0"}"""));
        // A genuine cursor, but from another query (another guild filter) and from another namespace.
        var otherFilter = query with { GuildId = guild + "x", Cursor = first.NextCursor };
        await using var otherTenant = factory.Sdk(DirectoryFactory.NewNamespace());

        foreach (var refused in new Func<Task>[]
        {
            () => sdk.QueryUsersAsync(query with { Cursor = Base64Url.EncodeToString(tampered) }),
            () => sdk.QueryUsersAsync(query with { Cursor = forged }),
            () => sdk.ListUsersAsync(pageSize: 2, cursor: forged),
            () => sdk.QueryUsersAsync(otherFilter),
            () => otherTenant.QueryUsersAsync(query with { Cursor = first.NextCursor }),
        })
        {
            var error = await Assert.ThrowsAsync<HitValidationException>(refused);
            Assert.Equal(("invalid_cursor", "cursor"), (error.Code, error.Field));
        }

        // The page size is not part of what a cursor is bound to: a client may change it between pages.
        var seen = first.Items.Select(u => u.Id).ToList();
        var next = first.NextCursor;
        while (next is not null)
        {
            var page = await sdk.QueryUsersAsync(query with { PageSize = 1, Cursor = next });
            seen.AddRange(page.Items.Select(u => u.Id));
            next = page.NextCursor;
        }

        Assert.Equal(created.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }
}
