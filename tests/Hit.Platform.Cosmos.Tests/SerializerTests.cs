using System.Text;
using System.Text.Json;

namespace Hit.Platform.Cosmos.Tests;

public sealed class SerializerTests
{
    private static readonly SystemTextJsonCosmosSerializer Serializer = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = TestJsonContext.Default,
    });

    [Fact]
    public void ToStream_UsesConventionNamesAndOmitsNullSystemFields()
    {
        var note = new Note { Id = "i", Pk = "p", Ns = "n", Text = "t", Rank = 2 };

        using var stream = Serializer.ToStream(note);
        var json = new StreamReader(stream, Encoding.UTF8).ReadToEnd();

        Assert.Equal("""{"text":"t","rank":2,"id":"i","pk":"p","ns":"n"}""", json);
    }

    [Fact]
    public void FromStream_ReadsEtagAndTtl()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"id":"i","pk":"p","ns":"n","text":"t","_etag":"\"e1\"","ttl":60,"_ts":1}""");

        var note = Serializer.FromStream<Note>(new MemoryStream(bytes));

        Assert.Equal(("\"e1\"", 60), (note.ETag, note.Ttl));
    }

    [Fact]
    public void FromStream_StreamRequested_ReturnsSameStreamUndisposed()
    {
        var stream = new MemoryStream([1, 2, 3]);

        var result = Serializer.FromStream<Stream>(stream);

        Assert.Same(stream, result);
        Assert.True(result.CanRead);
    }

    [Fact]
    public void SerializeMemberName_PrefersAttributeThenNamingPolicy()
    {
        Assert.Equal("_etag", Serializer.SerializeMemberName(typeof(CosmosDocument).GetProperty(nameof(CosmosDocument.ETag))!));
        Assert.Equal("rank", Serializer.SerializeMemberName(typeof(Note).GetProperty(nameof(Note.Rank))!));
    }
}
