namespace Hit.Platform.Cosmos;

/// <summary>One declared container, so all of them can be found without knowing the keys.</summary>
internal sealed record HitContainerRegistration(string Name, int? DefaultTtl);

/// <summary>Marks that <c>AddHitCosmos</c> has run, so repeated calls only add JSON configuration.</summary>
internal sealed class CosmosRegistrationMarker;
