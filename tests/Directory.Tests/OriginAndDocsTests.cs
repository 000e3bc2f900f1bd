using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Contracts;
using Hit.Contracts.Directory;

namespace Hit.Directory.Tests;

[Collection(DirectoryCollection.Name)]
public sealed class OriginTests(DirectoryFactory factory)
{
    private async Task<HttpResponseMessage> Get(string path, string? origin = null, string? referer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (referer is not null)
        {
            request.Headers.Add("Referer", referer);
        }

        return await factory.CreateClient().SendAsync(request);
    }

    [Theory]
    [InlineData("https://hackit.tw")]
    [InlineData("https://www.hackit.tw")]
    [InlineData("https://a.b.hackit.tw")]
    [InlineData("http://localhost")]
    [InlineData("http://127.0.0.1:5173")]
    public async Task AllowedOrigin_GetsCorsHeaders(string origin)
    {
        using var response = await Get("/health", origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://hackit.tw.evil.example")]
    [InlineData("https://evilhackit.tw")]
    [InlineData("https://hackit.tw:8443")]
    [InlineData("http://localhost:3000")]
    [InlineData("http://127.0.0.2:80")]
    [InlineData("null")]
    [InlineData("ftp://hackit.tw")]
    public async Task ForeignOrigin_Returns403OriginForbidden(string origin)
    {
        using var response = await Get("/health", origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("origin_forbidden", (string?)body["error"]!["code"]);
    }

    [Fact]
    public async Task ForeignOrigin_IsRefusedBeforeTheSignatureIsLookedAt()
    {
        using var response = await Get("/users/", "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Referer_IsCheckedWhenThereIsNoOrigin()
    {
        using var foreign = await Get("/health", referer: "https://evil.example/page");
        using var own = await Get("/health", referer: "https://www.hackit.tw/signup?x=1");

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Preflight_FromAllowedOrigin_IsAnswered_AndFromForeignOriginRefused()
    {
        static HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/users/query");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type, x-api-signature, x-api-timestamp");
            return request;
        }

        using var allowed = await factory.CreateClient().SendAsync(Preflight("https://app.hackit.tw"));
        using var foreign = await factory.CreateClient().SendAsync(Preflight("https://evil.example"));

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.hackit.tw", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("x-api-signature", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }
}

[Collection(DirectoryCollection.Name)]
public sealed class ServiceAndDocsTests(DirectoryFactory factory)
{
    [Fact]
    public async Task Root_DescribesTheService()
    {
        await using var sdk = factory.Sdk("acme");

        var info = await sdk.GetServiceInfoAsync();

        Assert.Equal("HackIt Directory", info.Name);
        Assert.Equal("acme", info.Namespace);
        Assert.Equal(("docs", "redoc", "openapi/v1.json"), (info.Documentation.SwaggerUi, info.Documentation.Redoc, info.Documentation.OpenApi));
        Assert.Equal([1, 2], info.Authentication.AcceptedVersions);
        Assert.Contains("GET /users/email/{email}", info.Endpoints);
        Assert.Equal([2], (await factory.Sdk(DirectoryFactory.V2OnlyNamespace).GetServiceInfoAsync()).Authentication.AcceptedVersions);
    }

    [Fact]
    public async Task Health_ReportsDatabaseVersionAndUptime()
    {
        await using var sdk = factory.Sdk("default");

        var health = await sdk.GetHealthAsync();

        Assert.Equal(("healthy", "connected"), (health.Status, health.Database.Status));
        Assert.False(string.IsNullOrEmpty(health.Version));
        Assert.True(health.UptimeSeconds >= 0);
    }

    [Fact]
    public async Task Errors_UseTheSeedEnvelope()
    {
        using var client = factory.CreateClient();

        using var unknown = await client.GetAsync(new Uri("/no/such/route", UriKind.Relative));
        var body = await unknown.Content.ReadFromJsonAsync(HitJsonContext.Default.DirectoryErrorResponse);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((false, "not_found"), (body!.Success, body.Error.Code));
    }

    [Fact]
    public async Task OpenApi_DescribesTheUserRoutesAndTheSignatureHeaders()
    {
        using var client = factory.CreateClient();

        var document = (await client.GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative)))!;

        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("X-API-Signature", (string?)schemes["ApiSignature"]!["name"]);
        Assert.Equal("X-API-Timestamp", (string?)schemes["ApiTimestamp"]!["name"]);
        var getByEmail = document["paths"]!["/users/email/{email}"]!["get"]!;
        Assert.Contains(getByEmail["parameters"]!.AsArray(), p => (string?)p!["name"] == "X-API-Signature-Version" && (string?)p["in"] == "header");
        Assert.NotEmpty(getByEmail["security"]!.AsArray());
        Assert.NotNull(document["paths"]!["/users/query"]!["post"]);
        Assert.Null(document["paths"]!["/health"]!["get"]!["security"]);
    }

    [Theory]
    [InlineData("docs", "swagger-ui")]
    [InlineData("redoc", "redoc-container")]
    public async Task DocsPage_RedirectsToItsIndex_AndEveryAssetItReferencesIsServed(string page, string marker)
    {
        using var client = factory.CreateClient(allowAutoRedirect: false);

        using var bare = await client.GetAsync(new Uri(page, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal($"{page}/index.html", bare.Headers.Location!.OriginalString);
        await DocsPages.AssertServedAsync(client, new Uri(factory.BaseAddress, $"{page}/index.html"), marker);
    }
}
