using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PingPong.Tests;

/// <summary>The PingPong app in-process, against the real local Cosmos server the test run started.</summary>
public sealed class PingPongFactory : WebApplicationFactory<Program>
{
    public static string CosmosEndpoint => Environment.GetEnvironmentVariable("HIT_COSMOS_ENDPOINT") ?? "http://127.0.0.1:8081/";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cosmos:Endpoint", CosmosEndpoint);
        // The emulator ignores auth; a key keeps the SDK off the identity path.
        builder.UseSetting("Cosmos:Key", "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==");
        builder.UseSetting("Cosmos:Local", "true");
        builder.UseSetting("Cosmos:CreateResources", "true");
        builder.UseSetting("Cosmos:DatabaseName", "hit-tests");
    }
}
