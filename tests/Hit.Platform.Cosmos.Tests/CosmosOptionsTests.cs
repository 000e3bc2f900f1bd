using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Cosmos.Tests;

public sealed class CosmosOptionsTests
{
    private static OptionsValidationException Invalid(Dictionary<string, string?> settings)
    {
        using var services = CosmosFixture.BuildServices(settings, s => s.AddHitCosmos());
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CosmosOptions>>().Value);
    }

    [Fact]
    public void MissingEndpoint_FailsValidation()
    {
        var ex = Invalid(new() { ["Cosmos:Key"] = CosmosFixture.LocalKey });

        Assert.Contains(nameof(CosmosOptions.Endpoint), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://cosmos.example.com:8081/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    public void InsecureOrInvalidEndpoint_FailsValidation(string endpoint)
    {
        var ex = Invalid(new() { ["Cosmos:Endpoint"] = endpoint });

        Assert.Contains("Cosmos:Endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptAnyCertificate_OnRemoteEndpoint_FailsValidation()
    {
        var ex = Invalid(new() { ["Cosmos:Endpoint"] = "https://acct.documents.azure.com:443/", ["Cosmos:AcceptAnyServerCertificate"] = "true" });

        Assert.Contains("AcceptAnyServerCertificate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalWithoutKey_FailsValidation()
    {
        var ex = Invalid(new() { ["Cosmos:Endpoint"] = "http://127.0.0.1:8081/", ["Cosmos:Local"] = "true" });

        Assert.Contains("Cosmos:Key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AzureSettings_DefaultsAndIdentityClient()
    {
        using var services = CosmosFixture.BuildServices(
            new() { ["Cosmos:Endpoint"] = "https://acct.documents.azure.com:443/", ["Cosmos:ClientId"] = "00000000-0000-0000-0000-000000000001" },
            s => s.AddHitCosmos());

        var options = services.GetRequiredService<IOptions<CosmosOptions>>().Value;
        var client = services.GetRequiredService<CosmosClient>();

        Assert.Equal(("hit", false, false), (options.DatabaseName, options.CreateResources, options.Local));
        Assert.Equal(new Uri("https://acct.documents.azure.com:443/"), client.Endpoint);
        Assert.NotEqual(ConnectionMode.Gateway, client.ClientOptions.ConnectionMode);
        Assert.Null(client.ClientOptions.ServerCertificateCustomValidationCallback);
    }

    [Fact]
    public void LocalSettings_UseGatewayLimitedToEndpoint()
    {
        using var services = CosmosFixture.BuildServices(CosmosFixture.LocalSettings("unused"), s => s.AddHitCosmos());

        var client = services.GetRequiredService<CosmosClient>();

        Assert.Equal(ConnectionMode.Gateway, client.ClientOptions.ConnectionMode);
        Assert.True(client.ClientOptions.LimitToEndpoint);
        Assert.NotNull(client.ClientOptions.ServerCertificateCustomValidationCallback);
    }
}
