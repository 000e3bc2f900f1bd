using Microsoft.Azure.Cosmos;

namespace Hit.Platform.Cosmos.Tests;

public sealed class QueryCursorTests
{
    private static QueryDefinition Query(object ids) =>
        new QueryDefinition("SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.id)").WithParameter("@ids", ids);

    [Fact]
    public void Decode_SameQuery_ReturnsContinuation()
    {
        var binding = QueryCursor.Bind(Query(new[] { "a", "b" }), "pk");

        Assert.Equal("token-1", QueryCursor.Decode(QueryCursor.Encode("token-1", binding), binding));
    }

    [Fact]
    public void Decode_DifferentArrayParameter_IsRejected()
    {
        var cursor = QueryCursor.Encode("token-1", QueryCursor.Bind(Query(new[] { "a", "b" }), "pk"));

        Assert.Throws<InvalidCursorException>(() => QueryCursor.Decode(cursor, QueryCursor.Bind(Query(new[] { "c", "d" }), "pk")));
    }

    [Fact]
    public void Decode_SinglePartitionCursorOnCrossPartitionQuery_IsRejected()
    {
        var query = new QueryDefinition("SELECT * FROM c");
        var cursor = QueryCursor.Encode("token-1", QueryCursor.Bind(query, "x"));

        Assert.Throws<InvalidCursorException>(() => QueryCursor.Decode(cursor, QueryCursor.Bind(query, null)));
    }
}
