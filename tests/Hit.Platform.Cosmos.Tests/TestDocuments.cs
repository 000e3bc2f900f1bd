using System.Text.Json.Serialization;

namespace Hit.Platform.Cosmos.Tests;

public sealed record Note : CosmosDocument
{
    public required string Text { get; init; }

    public int Rank { get; init; }
}

public sealed record Counter : CosmosDocument
{
    public long Count { get; init; }
}

public sealed record Account : CosmosDocument
{
    public long Balance { get; init; }
}

[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(Note[]))]
[JsonSerializable(typeof(Counter))]
[JsonSerializable(typeof(Account))]
public sealed partial class TestJsonContext : JsonSerializerContext;
