namespace Hit.Platform.Cosmos;

/// <summary>Marker for one declared container, so all of them can be found without knowing the keys.</summary>
internal sealed record HitContainerRegistration(string Name);
