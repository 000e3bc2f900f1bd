using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Auth.Keys;
using Hit.Platform.Worker;
using Hit.Testing;

namespace Auth.Tests;

/// <summary>The app's static OpenAPI document against the functions the Worker SDK generated (ARCHITECTURE §4).</summary>
public sealed class OpenApiDocumentTests
{
    private static string FunctionsMetadata =>
        Path.Combine(typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AuthOutput").Value!,
            "functions.metadata");

    private static JsonObject Document =>
        JsonNode.Parse(OpenApiFunctions.Read(typeof(KeyRing).Assembly) ?? throw new InvalidOperationException("Auth embeds no openapi.json."))!.AsObject();

    [Fact]
    public void Document_DescribesExactlyTheAppsHttpFunctions()
    {
        Assert.Empty(OpenApiContract.Mismatches(FunctionsMetadata, Document));
    }

    [Fact]
    public void FunctionsMetadata_Holds23Functions_TheAppsAndThePlatforms()
    {
        var functions = OpenApiContract.HttpFunctions(FunctionsMetadata).Select(f => f.Function).ToHashSet();

        Assert.Equal(
        [
            "ExchangeOAuthCode", "ForgotPassword", "GetJwks", "GetMe", "Healthz", "Login", "Logout", "LogoutAll", "OAuthCallback", "OpenApiDocument", "Readyz",
            "Refresh", "Register", "ResendVerification", "ResetPassword", "StartOAuth", "TicketingCurrentUser",
            "TicketingSignIn", "TicketingSignOut", "TicketingSignUp", "Verify", "VerifyEmail",
        ], functions.Order(StringComparer.Ordinal));
    }
}
