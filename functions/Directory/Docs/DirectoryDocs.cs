using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Directory.Docs;

/// <summary>
/// Swagger UI at <c>/docs</c> and ReDoc at <c>/redoc</c>, both rendering the app's one OpenAPI document
/// (<c>openapi.json</c>, served by the platform's <c>OpenApiDocument</c> function at <c>/openapi/v1.json</c>), which
/// describes the signature headers. All assets come from the manifest resources of the Swashbuckle.AspNetCore.SwaggerUI
/// and Swashbuckle.AspNetCore.ReDoc packages, served by those packages' middleware (content types by file extension,
/// their pre-compressed files decompressed for clients that do not accept gzip); nothing comes from a CDN. Every URL is
/// relative, so the pages work directly and under a gateway prefix (<c>/directory/docs</c>).
/// </summary>
internal sealed class DirectoryDocs(DocsPipelines docs)
{
    [Function("SwaggerUi")]
    public IResult SwaggerUi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{*path}")] HttpRequest request) =>
        new PipelineResult(docs.SwaggerUi);

    [Function("Redoc")]
    public IResult Redoc([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "redoc/{*path}")] HttpRequest request) =>
        new PipelineResult(docs.Redoc);

    /// <summary>Runs a request pipeline as a function's result (the integration hands it the request's HttpContext).</summary>
    private sealed class PipelineResult(RequestDelegate pipeline) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => pipeline(httpContext);
    }
}

/// <summary>
/// Swagger UI and ReDoc are ASP.NET Core middleware; each is built once into its own pipeline and run as its
/// function's result, so it serves <c>/docs/*</c> and <c>/redoc/*</c> through the Functions host (middleware in the
/// worker's own pipeline would either never see the request or answer before the request is paired with its
/// invocation).
/// </summary>
internal sealed class DocsPipelines(IServiceProvider services)
{
    public const string Title = "HackIt Directory API";

    /// <summary>
    /// The ReDoc package's own index.html links Google Fonts; this one is the same page without it (ReDoc falls back
    /// to system fonts), because a page of this app must not load anything from elsewhere.
    /// </summary>
    private const string RedocIndex = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <title>%(DocumentTitle)</title>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link href="index.css" rel="stylesheet" type="text/css">
            %(HeadContent)
        </head>
        <body>
            <div id="redoc-container"></div>
            <script type="module" src="index.js"></script>
        </body>
        </html>
        """;

    private readonly Lazy<RequestDelegate> _swaggerUi = new(() => Build(services, app => app.UseSwaggerUI(ui =>
    {
        ui.RoutePrefix = "docs";
        ui.DocumentTitle = Title;
        // Relative to /docs/index.html, so it also resolves under a gateway prefix.
        ui.SwaggerEndpoint("../openapi/v1.json", "HackIt Directory v1");
    })));

    private readonly Lazy<RequestDelegate> _redoc = new(() => Build(services, app => app.UseReDoc(redoc =>
    {
        redoc.RoutePrefix = "redoc";
        redoc.DocumentTitle = Title;
        // Relative to /redoc/index.html, so it also resolves under a gateway prefix.
        redoc.SpecUrl = "../openapi/v1.json";
        redoc.IndexStream = () => new MemoryStream(Encoding.UTF8.GetBytes(RedocIndex));
    })));

    public RequestDelegate SwaggerUi => _swaggerUi.Value;

    public RequestDelegate Redoc => _redoc.Value;

    private static RequestDelegate Build(IServiceProvider services, Action<IApplicationBuilder> configure)
    {
        var app = new ApplicationBuilder(services);
        configure(app);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app.Build();
    }
}

internal static class DirectoryDocsServices
{
    public static IServiceCollection AddDirectoryDocs(this IServiceCollection services)
    {
        services.AddSingleton<DocsPipelines>();
        return services;
    }
}
