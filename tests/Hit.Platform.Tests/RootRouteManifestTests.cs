using Hit.Platform.Manifest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Hit.Platform.Tests;

/// <summary>An app that owns <c>GET /</c> (the directory's service information) publishes it as a function at the root.</summary>
public sealed class RootRouteManifestTests
{
    [Fact]
    public void Build_EndpointAtRoot_IsDeclaredWithTheRootRouteNotAnEmptyOne()
    {
        var builder = FunctionsApp.CreateBuilder([]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseHitPlatform();
        app.MapGet("/", () => "info").WithName("GetServiceInfo");

        var functions = FunctionManifest.Build(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));

        var trigger = Assert.Single(functions, f => f.Name == "GetServiceInfo").FunctionJson["bindings"]![0]!;
        // An empty route makes the Functions host fall back to the function name (/GetServiceInfo).
        Assert.Equal(FunctionManifest.RootRoute, (string?)trigger["route"]);
    }

    [Fact]
    public async Task RootRoute_AsAHostRoute_MatchesOnlyTheRoot()
    {
        // The local host (like the Functions host) routes declared templates with ASP.NET Core routing.
        await using var host = await TestApp.StartAsync(app =>
            app.MapGet(FunctionManifest.RootRoute, () => "root").WithName("Root"));

        Assert.Equal("root", await host.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await host.Client.GetAsync(new Uri("/users", UriKind.Relative))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await host.Client.GetAsync(new Uri("/x/y", UriKind.Relative))).StatusCode);
    }
}
