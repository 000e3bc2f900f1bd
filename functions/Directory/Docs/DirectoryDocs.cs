using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Directory.Docs;

/// <summary>
/// Swagger UI at <c>/docs</c> and ReDoc at <c>/redoc</c>, both rendering the app's one OpenAPI document
/// (<c>openapi.json</c>, served by the platform's <c>OpenApiDocument</c> function at <c>/openapi/v1.json</c>), which
/// describes the signature headers. All assets are served by the app itself (nothing comes from a CDN): Swagger UI
/// from the Swashbuckle.AspNetCore.SwaggerUI package, ReDoc's standalone bundle embedded at build time from the npm
/// <c>redoc</c> package. Every URL is relative, so the pages work directly and under a gateway prefix
/// (<c>/directory/docs</c>).
/// </summary>
internal sealed class DirectoryDocs(SwaggerUiPipeline swagger)
{
    private const string RedocResource = "redoc.standalone.js";

    [Function("SwaggerUi")]
    public IResult SwaggerUi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{*path}")] HttpRequest request) =>
        new PipelineResult(swagger.Pipeline);

    [Function(nameof(Redoc))]
    public static IResult Redoc([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "redoc")] HttpRequest request) =>
        // Relative URLs below assume the page is /redoc, not /redoc/.
        request.Path.Value?.EndsWith('/') == true
            ? TypedResults.Redirect("../redoc")
            : TypedResults.Content(RedocPage, "text/html; charset=utf-8");

    [Function(nameof(RedocScript))]
    public static IResult RedocScript(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "redoc/redoc.standalone.js")] HttpRequest request)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(RedocResource)
            ?? throw new InvalidOperationException($"The {RedocResource} resource is missing from the build.");
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.Stream(stream, "application/javascript; charset=utf-8");
    }

    private const string RedocPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>HackIt Directory API — ReDoc</title>
          <style>body { margin: 0; padding: 0; }</style>
        </head>
        <body>
          <redoc spec-url="openapi/v1.json"></redoc>
          <script src="redoc/redoc.standalone.js"></script>
        </body>
        </html>
        """;

    /// <summary>Runs a request pipeline as a function's result (the integration hands it the request's HttpContext).</summary>
    private sealed class PipelineResult(RequestDelegate pipeline) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => pipeline(httpContext);
    }
}

/// <summary>
/// Swagger UI is ASP.NET Core middleware; built once into its own pipeline and run as the <c>SwaggerUi</c> function's
/// result, it serves <c>/docs/*</c> through the Functions host (middleware in the worker's own pipeline would either
/// never see the request or answer before the request is paired with its invocation).
/// </summary>
internal sealed class SwaggerUiPipeline(IServiceProvider services)
{
    private readonly Lazy<RequestDelegate> _pipeline = new(() =>
    {
        var app = new ApplicationBuilder(services);
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "docs";
            ui.DocumentTitle = "HackIt Directory API";
            // Relative to /docs/index.html, so it also resolves under a gateway prefix.
            ui.SwaggerEndpoint("../openapi/v1.json", "HackIt Directory v1");
        });
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app.Build();
    });

    public RequestDelegate Pipeline => _pipeline.Value;
}

internal static class DirectoryDocsServices
{
    public static IServiceCollection AddDirectoryDocs(this IServiceCollection services)
    {
        services.AddSingleton<SwaggerUiPipeline>();
        return services;
    }
}
