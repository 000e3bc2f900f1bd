namespace Hit.Platform.Cosmos.Tests;

internal static class Timeouts
{
    // A hung request fails its test instead of stalling the whole run.
    public static CancellationToken Test => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
