using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;

namespace Hit.PingPong.Counters;

/// <summary>One counter as stored: its own partition (<c>ns|counter|id</c>), so increments never contend across counters.</summary>
internal sealed record CounterDocument : CosmosDocument
{
    [JsonPropertyName("counterId")]
    public required string CounterId { get; init; }

    [JsonPropertyName("value")]
    public long Value { get; init; }

    public static CounterDocument Empty(string ns, string counterId) => new()
    {
        Id = CounterKeys.Id(counterId),
        Pk = CounterKeys.Pk(ns, counterId),
        Ns = ns,
        CounterId = counterId,
        Value = 0,
    };
}

internal static class CounterKeys
{
    public static string Id(string counterId) => CosmosKeys.Id("counter", counterId);

    public static string Pk(string ns, string counterId) => CosmosKeys.Pk(ns, "counter", counterId);
}

[JsonSerializable(typeof(CounterDocument))]
internal sealed partial class CounterJsonContext : JsonSerializerContext;
