using System.Buffers.Text;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos.Tests;

public sealed class PagingTests(CosmosFixture cosmos) : IClassFixture<CosmosFixture>
{
    private static CancellationToken Ct => Timeouts.Test;

    private async Task<(string Ns, string Pk)> SeedAsync(int count)
    {
        var ns = "ns-" + Guid.NewGuid().ToString("N")[..8];
        var pk = CosmosKeys.Pk(ns, "note");
        for (var i = 0; i < count; i++)
        {
            var note = new Note { Id = $"n{i:D2}", Pk = pk, Ns = ns, Text = $"t{i}", Rank = i };
            Assert.True((await cosmos.Container.TryCreateItemAsync(note, Ct)).Applied);
        }

        return (ns, pk);
    }

    private static QueryDefinition ByPk(string pk) =>
        new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk ORDER BY c.rank").WithParameter("@pk", pk);

    [Fact]
    public async Task QueryPage_25DocsPageSize10_ReturnsAllExactlyOnceInThreePages()
    {
        var (_, pk) = await SeedAsync(25);
        var seen = new List<int>();
        var pageSizes = new List<int>();
        var cursors = new List<string>();
        string? cursor = null;

        do
        {
            var page = await cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, cursor, Ct);
            seen.AddRange(page.Items.Select(n => n.Rank));
            pageSizes.Add(page.Items.Count);
            cursor = page.NextCursor;
            if (cursor is not null)
            {
                cursors.Add(cursor);
            }
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 25), seen);
        Assert.Equal([10, 10, 5], pageSizes);
        Assert.Equal(2, cursors.Count);
        foreach (var c in cursors)
        {
            // Opaque: URL-safe, and neither the raw continuation token nor the query shows through.
            Assert.Matches("^[A-Za-z0-9_-]+$", c);
            Assert.DoesNotContain("{", c, StringComparison.Ordinal);
            Assert.DoesNotContain("SELECT", c, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task QueryPage_CrossPartition_ReturnsAllExactlyOnce()
    {
        var ns = "ns-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 12; i++)
        {
            var note = new Note { Id = "n", Pk = CosmosKeys.Pk(ns, "note", $"p{i}"), Ns = ns, Text = "x", Rank = i };
            await cosmos.Container.TryCreateItemAsync(note, Ct);
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.ns = @ns ORDER BY c.rank").WithParameter("@ns", ns);
        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var page = await cosmos.Container.QueryPageAsync<Note>(query, pk: null, 5, cursor, Ct);
            seen.AddRange(page.Items.Select(n => n.Rank));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 12), seen);
    }

    [Fact]
    public async Task QueryPage_ExactMultipleOfPageSize_LastPageHasNoCursorOrIsEmpty()
    {
        var (_, pk) = await SeedAsync(10);

        var first = await cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, null, Ct);
        var total = first.Items.Count;
        if (first.NextCursor is not null)
        {
            var second = await cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, first.NextCursor, Ct);
            Assert.Empty(second.Items);
            Assert.Null(second.NextCursor);
        }

        Assert.Equal(10, total);
    }

    [Fact]
    public async Task QueryPage_CursorFromOtherQuery_IsRejected()
    {
        var (_, pkA) = await SeedAsync(15);
        var (_, pkB) = await SeedAsync(15);
        var page = await cosmos.Container.QueryPageAsync<Note>(ByPk(pkA), pkA, 10, null, Ct);
        Assert.NotNull(page.NextCursor);

        // Same text, different parameter: a cursor must not carry over to another tenant's partition.
        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            cosmos.Container.QueryPageAsync<Note>(ByPk(pkB), pkB, 10, page.NextCursor, Ct));

        var otherText = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk").WithParameter("@pk", pkA);
        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            cosmos.Container.QueryPageAsync<Note>(otherText, pkA, 10, page.NextCursor, Ct));
    }

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("AQ")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task QueryPage_MalformedCursor_IsRejected(string cursor)
    {
        var (_, pk) = await SeedAsync(3);

        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, cursor, Ct));
    }

    [Fact]
    public async Task QueryPage_EmptyCursor_ReturnsFirstPage()
    {
        // Query-string binding turns "?cursor=" into "", which must mean "from the start".
        var (_, pk) = await SeedAsync(3);

        var page = await cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, "", Ct);

        Assert.Equal(3, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task QueryPage_TamperedCursor_IsRejected()
    {
        var (_, pk) = await SeedAsync(15);
        var page = await cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, null, Ct);
        var bytes = Base64Url.DecodeFromChars(page.NextCursor!);

        // Flip one byte of the embedded continuation token; the tag no longer matches.
        bytes[^2] ^= 0x01;
        var tampered = Base64Url.EncodeToString(bytes);

        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, tampered, Ct));
    }

    [Fact]
    public async Task QueryPage_ForgedCursorWithRawToken_IsRejected()
    {
        var (_, pk) = await SeedAsync(15);
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("{\"token\":\"1\",\"range\":{\"min\":\"\",\"max\":\"FF\"}}"));

        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            cosmos.Container.QueryPageAsync<Note>(ByPk(pk), pk, 10, forged, Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task QueryPage_PageSizeOutOfRange_Throws(int pageSize)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cosmos.Container.QueryPageAsync<Note>(ByPk("x"), "x", pageSize, null, Ct));
    }
}
