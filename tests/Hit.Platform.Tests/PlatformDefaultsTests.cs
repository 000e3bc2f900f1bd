using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Platform.Errors;
using Hit.Platform.Health;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hit.Platform.Tests;

public sealed class PlatformDefaultsTests
{
    [Fact]
    public async Task HostProbe_GetRoot_Answers()
    {
        await using var app = await TestApp.StartAsync(_ => { });

        var response = await app.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null, "default")]
    [InlineData("acme", "acme")]
    [InlineData("team-42", "team-42")]
    public async Task Namespace_FromHeaderOrDefault_ReachesHandler(string? header, string expected)
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/ns", (TenantNamespace ns) => ns.Value).WithName("Ns"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ns");
        if (header is not null)
        {
            request.Headers.Add(TenantNamespace.HeaderName, header);
        }

        var response = await app.Client.SendAsync(request);

        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("a|b")]
    [InlineData("-lead")]
    [InlineData("../x")]
    public async Task Namespace_Invalid_Returns400NamingTheHeader(string header)
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/ns", (TenantNamespace ns) => ns.Value).WithName("Ns"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ns");
        request.Headers.Add(TenantNamespace.HeaderName, header);

        var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(ProblemCodes.InvalidNamespace, (string?)problem["code"]);
        Assert.Equal(TenantNamespace.HeaderName, (string?)problem["field"]);
    }

    [Fact]
    public async Task UnknownRoute_IsProblemDetailsWithStableCode()
    {
        await using var app = await TestApp.StartAsync(_ => { });

        var response = await app.Client.GetAsync("/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(ProblemCodes.NotFound, (string?)problem["code"]);
    }

    [Fact]
    public async Task UnhandledException_Is500ProblemWithoutTheMessage()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/boom", string () => throw new InvalidOperationException("secret detail")).WithName("Boom"));

        var response = await app.Client.GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(ProblemCodes.InternalError, body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_ReflectsReadinessChecks_WhileHealthzStaysUp()
    {
        var healthy = true;
        await using var app = await TestApp.StartAsync(_ => { }, builder => builder.Services.AddHealthChecks()
            .AddCheck("dependency", () => healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("down"), [HealthEndpoints.ReadyTag]));

        var ready = await app.Client.GetAsync("/readyz");
        healthy = false;
        var notReady = await app.Client.GetAsync("/readyz");
        var live = await app.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var report = (await notReady.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Unhealthy", (string?)report["checks"]!["dependency"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesNamedEndpoints()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/things/{id}", (string id) => TypedResults.Ok(id)).WithName("GetThing"));

        var document = (await app.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        Assert.Equal("GetThing", (string?)document["paths"]!["/things/{id}"]!["get"]!["operationId"]);
    }

    [Fact]
    public async Task InvalidDefaultNamespace_FailsOnStart()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TestApp.StartAsync(_ => { }, b => b.Configuration["Hit:DefaultNamespace"] = "Not Valid"));

        Assert.Contains("DefaultNamespace", error.Message, StringComparison.Ordinal);
    }
}
