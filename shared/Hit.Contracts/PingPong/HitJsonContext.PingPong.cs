using System.Text.Json.Serialization;
using Hit.Contracts.PingPong;

namespace Hit.Contracts;

[JsonSerializable(typeof(CounterResponse))]
public sealed partial class HitJsonContext;
