using System.Net.Http.Headers;
using Hit.Testing;

namespace Hit.Files.Tests;

/// <summary>
/// One token issuer for the test run: every Files host of this assembly trusts it (<see cref="Settings"/>), so a test
/// acts as any user of any namespace with a real ES256 token validated against a served JWKS.
/// </summary>
public static class TestTokens
{
    private static readonly Lazy<TestTokenIssuer> Shared = new(() => Task.Run(TestTokenIssuer.StartAsync).GetAwaiter().GetResult());

    public static TestTokenIssuer Issuer => Shared.Value;

    /// <summary>The <c>HitAuth</c> settings of the shared issuer (environment form).</summary>
    public static IReadOnlyDictionary<string, string?> Settings => Issuer.Settings;

    /// <summary>The user every <c>Client(ns)</c> acts as unless a test names another.</summary>
    public const string Owner = "owner";

    public static HttpClient Authorize(HttpClient client, string ns, string userId)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Issuer.Token(ns, userId));
        return client;
    }
}
