namespace Hit.Platform.Health;

/// <summary>The health-check conventions behind the platform's <c>/healthz</c> and <c>/readyz</c> functions (<see cref="Worker.HealthFunctions"/>).</summary>
public static class HealthEndpoints
{
    /// <summary>Tag for checks that must pass before the app takes traffic (dependencies: Cosmos, Storage…).</summary>
    public const string ReadyTag = "ready";
}
