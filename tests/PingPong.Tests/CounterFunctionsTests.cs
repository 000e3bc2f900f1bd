using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Contracts;
using Hit.Contracts.PingPong;

namespace PingPong.Tests;

/// <summary>The counter functions end to end: the built app under the local Functions host, against the local Cosmos server.</summary>
public sealed class CounterFunctionsTests(PingPongHostFixture app) : IClassFixture<PingPongHostFixture>
{
    private static string NewId() => "c-" + Guid.NewGuid().ToString("N");

    private HttpClient Client(string? ns = null) => app.Client(ns);

    private static async Task<CounterResponse> Read(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.CounterResponse))!;
    }

    [Fact]
    public async Task GetCounter_NeverWritten_ReadsZero()
    {
        var id = NewId();

        var counter = await Read(await Client().GetAsync($"/counter/{id}"));

        Assert.Equal(new CounterResponse(id, "default", 0), counter);
    }

    [Fact]
    public async Task IncrementCounter_ThreeTimes_CountsThree_AndResetReturnsToZero()
    {
        var client = Client();
        var id = NewId();

        Assert.Equal(1, (await Read(await client.PostAsync($"/counter/{id}/increment", null))).Value);
        Assert.Equal(2, (await Read(await client.PostAsync($"/counter/{id}/increment", null))).Value);
        Assert.Equal(3, (await Read(await client.PostAsync($"/counter/{id}/increment", null))).Value);
        Assert.Equal(3, (await Read(await client.GetAsync($"/counter/{id}"))).Value);

        Assert.Equal(0, (await Read(await client.PostAsync($"/counter/{id}/reset", null))).Value);
        Assert.Equal(0, (await Read(await client.GetAsync($"/counter/{id}"))).Value);
        Assert.Equal(1, (await Read(await client.PostAsync($"/counter/{id}/increment", null))).Value);
    }

    [Fact]
    public async Task IncrementCounter_200Concurrent_LosesNothing()
    {
        var client = Client();
        var id = NewId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.PostAsync($"/counter/{id}/increment", null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var values = await Task.WhenAll(responses.Select(Read));
        // Every increment saw a distinct value: no two requests read-modified-wrote the same state.
        Assert.Equal(Enumerable.Range(1, 200).Select(v => (long)v), values.Select(v => v.Value).Order());
        Assert.Equal(200, (await Read(await client.GetAsync($"/counter/{id}"))).Value);
    }

    [Fact]
    public async Task Counters_AreIsolatedPerNamespace()
    {
        var id = NewId();
        var tenantA = Client("tenant-a");
        var tenantB = Client("tenant-b");

        await tenantA.PostAsync($"/counter/{id}/increment", null);
        await tenantA.PostAsync($"/counter/{id}/increment", null);
        await tenantB.PostAsync($"/counter/{id}/reset", null);

        Assert.Equal(new CounterResponse(id, "tenant-a", 2), await Read(await tenantA.GetAsync($"/counter/{id}")));
        Assert.Equal(new CounterResponse(id, "tenant-b", 0), await Read(await tenantB.GetAsync($"/counter/{id}")));
        Assert.Equal(0, (await Read(await Client().GetAsync($"/counter/{id}"))).Value);
    }

    [Fact]
    public async Task WithAToken_TheTokensNamespaceCounts_NotTheHeader()
    {
        var id = NewId();
        var ns = "tok-" + Guid.NewGuid().ToString("N")[..12];
        using var user = app.UserClient(ns, "user-1");
        using var userNamingAnother = app.UserClient(ns, "user-1", header: "tenant-b");

        Assert.Equal(new CounterResponse(id, ns, 1), await Read(await user.PostAsync($"/counter/{id}/increment", null)));
        Assert.Equal(new CounterResponse(id, ns, 2), await Read(await userNamingAnother.PostAsync($"/counter/{id}/increment", null)));

        // The header did not move the token's caller into tenant-b: that counter is untouched.
        Assert.Equal(0, (await Read(await Client("tenant-b").GetAsync($"/counter/{id}"))).Value);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("a%7Cb")]
    [InlineData("%C3%A9t%C3%A9")]
    public async Task InvalidCounterId_Returns400NamingTheField(string id)
    {
        var response = await Client().PostAsync($"/counter/{id}/increment", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("validation_failed", (string?)problem["code"]);
        Assert.Equal("id", (string?)problem["field"]);
    }

    [Fact]
    public async Task TooLongCounterId_Returns400()
    {
        var response = await Client().GetAsync($"/counter/{new string('x', 129)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_ChecksCosmos()
    {
        var response = await Client().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Healthy", (string?)report["checks"]!["cosmos"]!["status"]);
    }

    [Fact]
    public async Task WrongMethod_Is405WithAllow_AndUnknownPath404_AsProblems()
    {
        // The host routes by method (each function's route carries an HttpMethodRouteConstraint), so a known path with
        // an undeclared method falls through to the platform's catch-all, which knows the app's routes.
        using var wrongMethod = await Client().DeleteAsync($"/counter/{NewId()}");
        using var unknown = await Client().GetAsync("/no/such/path");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["GET", "OPTIONS"], wrongMethod.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OversizedBody_Is413_BeforeTheFunctionReadsIt()
    {
        var id = NewId();
        using var response = await Client().PostAsync($"/counter/{id}/increment", new ByteArrayContent(new byte[1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        // Nothing was counted: the function never ran.
        Assert.Equal(0, (await Read(await Client().GetAsync($"/counter/{id}"))).Value);
    }

    [Fact]
    public async Task OpenApiDocument_IsServed()
    {
        var response = await Client().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(document["paths"]!["/counter/{id}/increment"]);
    }
}
