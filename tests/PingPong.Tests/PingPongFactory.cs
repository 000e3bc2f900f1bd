using Hit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PingPong.Tests;

/// <summary>The PingPong app in-process, against the real local Cosmos server the test run started.</summary>
public sealed class PingPongFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in TestStack.Settings(database: "hit-tests"))
        {
            builder.UseSetting(key, value);
        }
    }
}
