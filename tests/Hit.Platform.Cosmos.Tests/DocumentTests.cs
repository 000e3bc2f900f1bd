using System.Net;
using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos.Tests;

public sealed class DocumentTests(CosmosFixture cosmos) : IClassFixture<CosmosFixture>
{
    private static CancellationToken Ct => Timeouts.Test;

    private static string NewNs() => "ns-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task CreateReadReplaceDelete_RoundTripsConventionFields()
    {
        var ns = NewNs();
        var note = new Note { Id = CosmosKeys.Id("n1"), Pk = CosmosKeys.Pk(ns, "note"), Ns = ns, Text = "hello", Rank = 3 };

        var created = await cosmos.Container.TryCreateItemAsync(note, Ct);
        Assert.Equal(WriteOutcome.Applied, created.Outcome);
        Assert.False(string.IsNullOrEmpty(created.Document!.ETag));

        var read = await cosmos.Container.ReadItemOrDefaultAsync<Note>(note.Id, note.Pk, Ct);
        Assert.NotNull(read);
        Assert.Equal((note.Id, note.Pk, ns, "hello", 3), (read.Id, read.Pk, read.Ns, read.Text, read.Rank));
        Assert.Equal(created.Document.ETag, read.ETag);

        var replaced = await cosmos.Container.ReplaceIfMatchAsync(read with { Text = "bye" }, read.ETag!, Ct);
        Assert.Equal(WriteOutcome.Applied, replaced.Outcome);
        Assert.Equal("bye", replaced.Document!.Text);
        Assert.NotEqual(read.ETag, replaced.Document.ETag);

        await cosmos.Container.DeleteItemAsync<Note>(note.Id, new PartitionKey(note.Pk), cancellationToken: Ct);
        Assert.Null(await cosmos.Container.ReadItemOrDefaultAsync<Note>(note.Id, note.Pk, Ct));
    }

    [Fact]
    public async Task ReadItemOrDefault_MissingDocument_ReturnsNull()
    {
        var ns = NewNs();
        Assert.Null(await cosmos.Container.ReadItemOrDefaultAsync<Note>("absent", CosmosKeys.Pk(ns, "note"), Ct));
    }

    [Fact]
    public async Task ReadItem_MissingDocument_ServerAnswers404NotFound()
    {
        // The wrapper's fix itself: the raw SDK call must see a 404, not the package's 500.
        var ex = await Assert.ThrowsAsync<CosmosException>(() =>
            cosmos.Container.ReadItemAsync<Note>("absent", new PartitionKey(CosmosKeys.Pk(NewNs(), "note")), cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task TryCreate_DuplicateId_ReturnsConflict()
    {
        var ns = NewNs();
        var note = new Note { Id = "dup", Pk = CosmosKeys.Pk(ns, "note"), Ns = ns, Text = "first" };
        Assert.Equal(WriteOutcome.Applied, (await cosmos.Container.TryCreateItemAsync(note, Ct)).Outcome);

        var second = await cosmos.Container.TryCreateItemAsync(note with { Text = "second" }, Ct);

        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Equal("first", (await cosmos.Container.ReadItemOrDefaultAsync<Note>("dup", note.Pk, Ct))!.Text);
    }

    [Fact]
    public async Task ReplaceIfMatch_StaleEtag_ReturnsPreconditionFailedAndKeepsWinner()
    {
        var ns = NewNs();
        var note = new Note { Id = "etag", Pk = CosmosKeys.Pk(ns, "note"), Ns = ns, Text = "v1" };
        var original = (await cosmos.Container.TryCreateItemAsync(note, Ct)).Document!;
        Assert.True((await cosmos.Container.ReplaceIfMatchAsync(original with { Text = "winner" }, original.ETag!, Ct)).Applied);

        var stale = await cosmos.Container.ReplaceIfMatchAsync(original with { Text = "loser" }, original.ETag!, Ct);

        Assert.Equal(WriteOutcome.PreconditionFailed, stale.Outcome);
        Assert.Equal("winner", (await cosmos.Container.ReadItemOrDefaultAsync<Note>("etag", note.Pk, Ct))!.Text);
    }

    [Fact]
    public async Task ReplaceIfMatch_MissingDocument_ReturnsNotFound()
    {
        var ns = NewNs();
        var ghost = new Note { Id = "ghost", Pk = CosmosKeys.Pk(ns, "note"), Ns = ns, Text = "x" };

        var result = await cosmos.Container.ReplaceIfMatchAsync(ghost, "\"00000000-0000-0000-0000-000000000000\"", Ct);

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
    }
}
