namespace Hit.Auth;

/// <summary>The auth app's Cosmos container (partition key <c>/pk</c>, TTL enabled for one-time tokens and OAuth state).</summary>
internal static class AuthStore
{
    public const string ContainerName = "auth";
}
