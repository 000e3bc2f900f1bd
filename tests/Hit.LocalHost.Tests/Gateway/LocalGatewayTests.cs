using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.Gateway;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Gateway;

public sealed class LocalGatewayTests
{
    [Fact]
    public async Task Gateway_RoutesAppSegmentToHost_ListsApps_And404sUnknownApps()
    {
        using var app = new AppRootBuilder();
        app.HttpFunction("Echo", "echo/{*rest}");
        await using var harness = await HostHarness.StartAsync(app.Write(), appName: "pingpong");
        await using var gateway = new LocalGateway(new LocalGatewayOptions { Port = 0 });
        gateway.AddApp(harness.Host);
        gateway.AddApp("other", new Uri("http://127.0.0.1:9/"));
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/pingpong/echo/a%2Fb?x=1&y=2") { Content = new ByteArrayContent([1, 2, 3]) };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/echo/a%2Fb?x=1&y=2", response.Headers.GetValues("X-Req-Target").Single());
        Assert.Equal("/pingpong", response.Headers.GetValues("X-Req-X-Forwarded-Prefix").Single());
        Assert.Equal([1, 2, 3], await response.Content.ReadAsByteArrayAsync());

        var index = await client.GetFromJsonAsync<JsonObject>("/");
        var names = index!["apps"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["other", "pingpong"], names);

        using var unknown = await client.GetAsync("/nope/echo/x");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var undeclared = await client.GetAsync("/pingpong/not-declared");
        Assert.Equal(HttpStatusCode.NotFound, undeclared.StatusCode);
    }
}
