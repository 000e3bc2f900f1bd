namespace Hit.Contracts.PingPong;

/// <summary>The state of one counter in a namespace.</summary>
/// <param name="Id">The counter id from the route.</param>
/// <param name="Namespace">The tenant namespace the counter belongs to.</param>
/// <param name="Value">The current value; a counter never written reads as 0.</param>
public sealed record CounterResponse(string Id, string Namespace, long Value);
