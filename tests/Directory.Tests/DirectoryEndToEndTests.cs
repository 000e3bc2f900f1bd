using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Contracts.Directory;
using Hit.Sdk;

namespace Hit.Directory.Tests;

/// <summary>The SDK against the built app under the local Functions host, through the gateway's <c>/directory</c> prefix.</summary>
public sealed class DirectoryEndToEndTests(DirectoryHostFixture host) : IClassFixture<DirectoryHostFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Sdk_CrudLookupsAndQuery_ThroughGateway(int version)
    {
        var ns = DirectoryFactory.NewNamespace();
        await using var sdk = host.Sdk(ns, version);
        var request = TestUsers.New();

        var user = await sdk.CreateUserAsync(request);
        Assert.Equal(user.Id, (await sdk.GetUserByEmailAsync(request.Email!)).Id);
        Assert.Equal(user.Id, (await sdk.GetUserByDiscordAsync(request.UserId!, request.GuildId!)).Id);
        Assert.Equal("Renamed", (await sdk.UpdateUserAsync(user.Id, new UpdateUserRequest { RealName = "Renamed" })).RealName);
        Assert.Equal([user.Id], (await sdk.QueryUsersAsync(new UserQuery { GuildId = request.GuildId })).Items.Select(u => u.Id));
        if (version == 2)
        {
            // v1 signs only METHOD:PATH:TIMESTAMP, so a second POST /users/ in the same second is the same signature and
            // is refused as a replay (documented v1 limitation); v2's nonce makes every request distinct.
            Assert.Equal("email_taken", (await Assert.ThrowsAsync<HitConflictException>(() => sdk.CreateUserAsync(TestUsers.New(email: request.Email)))).Code);
        }

        await sdk.DeleteUserAsync(user.Id);
        Assert.Equal("user_not_found", (await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserAsync(user.Id))).Code);
    }

    [Fact]
    public async Task SeedBodyWithNumericIds_IsCreated_AndAnUnreadableOneNamesItsField_ThroughGateway()
    {
        var ns = DirectoryFactory.NewNamespace();
        using var client = host.SignedClient(ns, version: 1);

        using var created = await client.PostAsync(new Uri("users/", UriKind.Relative), new StringContent(BodyTests.SeedBody, System.Text.Encoding.UTF8, "application/json"));
        using var refused = await host.SignedClient(ns).PostAsync(new Uri("users/", UriKind.Relative),
            new StringContent("""{"user_id": 1.5, "guild_id": 2, "real_name": "A", "email": "a@b.co"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var data = (await created.Content.ReadFromJsonAsync<JsonObject>())!["data"]!;
        Assert.Equal(("12345", "67890"), ((string?)data["user_id"], (string?)data["guild_id"]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(("bad_request", "$.user_id"), ((string?)error["code"], (string?)error["field"]));
    }

    [Fact]
    public async Task Unsigned_IsRefusedWithTheEnvelope_ThroughGateway()
    {
        using var response = await host.Client.GetAsync(new Uri("/directory/users/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("signature_missing", (string?)body["error"]!["code"]);
    }

    [Fact]
    public async Task Root_IsAFunctionServingServiceInfo_AndOnlyTheRoot()
    {
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DirectoryHostFixture.AppRoot, "functions.metadata")))!.AsArray();
        var serviceInfo = metadata.Single(f => (string?)f!["name"] == "GetServiceInfo")!;
        Assert.Equal("{ignored:maxlength(0)?}", (string?)serviceInfo["bindings"]![0]!["route"]);

        await using var sdk = host.Sdk("default");
        Assert.Equal("HackIt Directory", (await sdk.GetServiceInfoAsync()).Name);
        using var unknown = await host.Client.GetAsync(new Uri("/directory/nothing-here", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task HealthAndDocs_AreServedThroughGateway()
    {
        await using var sdk = host.Sdk("default");
        Assert.Equal("healthy", (await sdk.GetHealthAsync()).Status);

        foreach (var (page, marker) in new[] { ("docs", "swagger-ui"), ("redoc", "redoc-container") })
        {
            // The redirect is relative, so behind the prefix it lands on /directory/<page>/index.html.
            using var bare = await host.Client.GetAsync(new Uri(host.DirectoryAddress, page));
            Assert.Equal(new Uri(host.DirectoryAddress, $"{page}/index.html"), bare.RequestMessage!.RequestUri);
            await DocsPages.AssertServedAsync(host.Client, new Uri(host.DirectoryAddress, $"{page}/index.html"), marker);
        }

        var openApi = (await host.Client.GetFromJsonAsync<JsonObject>(new Uri("/directory/openapi/v1.json", UriKind.Relative)))!;
        Assert.NotNull(openApi["paths"]!["/users/email/{email}"]);
    }

    [Fact]
    public async Task CorsPreflight_ReachesTheAllowList_ThroughTheHost()
    {
        static HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/directory/users/query");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            return request;
        }

        using var allowed = await host.Client.SendAsync(Preflight("https://app.hackit.tw"));
        using var foreign = await host.Client.SendAsync(Preflight("https://evil.example"));

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.hackit.tw", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }
}
