using System.Reflection;
using Hit.Contracts.Directory;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hit.Directory.Docs;

/// <summary>
/// Swagger UI at <c>/docs</c> and ReDoc at <c>/redoc</c>, both rendering the one generated document
/// (<c>/openapi/v1.json</c>), which describes the signature headers. All assets are served by the app itself (nothing
/// comes from a CDN): Swagger UI from the Swashbuckle.AspNetCore.SwaggerUI package, ReDoc's standalone bundle embedded
/// at build time from the npm <c>redoc</c> package. Every URL is relative, so the pages work directly and under a
/// gateway prefix (<c>/directory/docs</c>).
/// </summary>
internal static class DirectoryDocs
{
    private const string SignatureScheme = "ApiSignature";
    private const string TimestampScheme = "ApiTimestamp";
    private const string RedocResource = "redoc.standalone.js";

    public static IServiceCollection AddDirectoryDocs(this IServiceCollection services)
    {
        // The platform registered document "v1"; configuring its options (rather than AddOpenApi again) keeps the
        // OpenAPI source generator's interceptors out of this assembly.
        services.Configure<OpenApiOptions>("v1", options =>
        {
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeSignedOperation);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDirectoryDocs(this WebApplication app)
    {
        // Swagger UI is middleware; running it as the request delegate of a named endpoint makes /docs a function the
        // Functions host routes to (middleware alone would never see a request through the host).
        var swagger = ((IEndpointRouteBuilder)app).CreateApplicationBuilder();
        swagger.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "docs";
            ui.DocumentTitle = "HackIt Directory API";
            // Relative to /docs/index.html, so it also resolves under a gateway prefix.
            ui.SwaggerEndpoint("../openapi/v1.json", "HackIt Directory v1");
        });
        swagger.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        app.MapGet("/docs/{*path}", swagger.Build()).WithName("SwaggerUi").ExcludeFromDescription();

        app.MapGet("/redoc", Redoc).WithName(nameof(Redoc)).ExcludeFromDescription();
        app.MapGet("/redoc/redoc.standalone.js", RedocScript).WithName(nameof(RedocScript)).ExcludeFromDescription();
        return app;
    }

    internal static IResult Redoc(HttpContext context) =>
        // Relative URLs below assume the page is /redoc, not /redoc/.
        context.Request.Path.Value?.EndsWith('/') == true
            ? TypedResults.Redirect("../redoc")
            : TypedResults.Content(RedocPage, "text/html; charset=utf-8");

    internal static IResult RedocScript(HttpContext context)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(RedocResource)
            ?? throw new InvalidOperationException($"The {RedocResource} resource is missing from the build.");
        context.Response.Headers.CacheControl = "public, max-age=86400";
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

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "HackIt Directory API";
        document.Info.Description = """
            The HackIt user directory. Responses are `{"success": true, "data": …}` or
            `{"success": false, "error": {"code", "message", "field"?}}`.

            Requests to `/users` are signed with HMAC-SHA256 under a shared secret:

            * `X-API-Timestamp`: Unix seconds, within ±300 s of the server's clock.
            * `X-API-Signature`: lowercase hex HMAC-SHA256 of the string to sign.
            * `X-API-Signature-Version`: `1` (default) or `2`; a namespace may accept only some versions.
            * v1 signs `METHOD:PATH:TIMESTAMP` (PATH as the service receives it, e.g. `/users/email/a@b.c`, percent-decoded).
            * v2 signs the lines `HIT-HMAC-SHA256-V2`, METHOD, PATH, the sorted query, TIMESTAMP, `X-API-Nonce`,
              `X-Hit-Namespace` (or empty) and the hex SHA-256 of the body, joined by `\n`.

            A signature (v1) or nonce (v2) is accepted once. Refusals are 401 with `signature_missing`,
            `signature_version_unsupported`, `signature_version_not_accepted`, `timestamp_invalid`,
            `timestamp_out_of_window`, `nonce_invalid`, `signature_invalid` or `signature_replayed`.
            Browser requests from origins outside the allow-list are refused with 403 `origin_forbidden`.
            """;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SignatureScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = RequestSignature.SignatureHeader,
            Description = "HMAC-SHA256 of the string to sign (see the description), lowercase hex.",
        };
        document.Components.SecuritySchemes[TimestampScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = RequestSignature.TimestampHeader,
            Description = "Unix time in seconds; must be within ±300 s of the server's clock.",
        };
        return Task.CompletedTask;
    }

    private static Task DescribeSignedOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.RelativePath?.StartsWith("users", StringComparison.Ordinal) != true)
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SignatureScheme, context.Document)] = [],
            [new OpenApiSecuritySchemeReference(TimestampScheme, context.Document)] = [],
        });
        operation.Parameters ??= [];
        operation.Parameters.Add(Header(RequestSignature.VersionHeader, "Signature version: 1 (default) or 2.", required: false));
        operation.Parameters.Add(Header(RequestSignature.NonceHeader, "v2 only: a unique value per request (1–128 of letters, digits, '-', '_', '.').", required: false));
        operation.Parameters.Add(Header(RequestSignature.NamespaceHeader, "Tenant namespace (default `default`); signed by v2.", required: false));
        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, string description, bool required) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
