using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hit.Files.Page;

/// <summary>
/// The drag-and-drop upload page: <c>GET /upload</c> (HTML) and <c>GET /upload/{asset}</c> (its script and style
/// sheet), embedded in the assembly so the published handler needs no static-file folder. Every URL in the page is
/// relative, so it works at <c>/upload</c> and behind the gateway at <c>/files/upload</c>.
/// </summary>
internal sealed class UploadPageFunctions(IOptions<FilesOptions> options)
{
    /// <summary>
    /// Everything comes from the app itself; no inline script or style, so an injected file name cannot run. Thumbnails
    /// are shown from <c>blob:</c> URLs because an <c>&lt;img&gt;</c> request cannot carry the namespace header.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string HtmlType = "text/html; charset=utf-8";

    private static readonly FrozenDictionary<string, PageAsset> Assets = new[]
    {
        PageAsset.Create("app.js", "text/javascript; charset=utf-8", Resource("app.js")),
        PageAsset.Create("app.css", "text/css; charset=utf-8", Resource("app.css")),
    }.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);

    private static readonly string Template = Encoding.UTF8.GetString(Resource("upload.html"));

    // The page depends only on the app's options, which are fixed for its lifetime: render once per options instance.
    private static readonly ConditionalWeakTable<FilesOptions, PageAsset> Pages = [];

    /// <summary>The page itself (<c>/upload</c>; <c>/upload/</c> redirects to it).</summary>
    [Function(nameof(UploadPage))]
    public Results<FileContentHttpResult, RedirectHttpResult> UploadPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "upload")] HttpRequest request)
    {
        var http = request.HttpContext;
        // The page's relative URLs resolve against …/upload; under …/upload/ they would point one level too deep.
        if (http.Request.Path.Value?.EndsWith('/') == true)
        {
            return TypedResults.Redirect("../upload");
        }

        return Serve(http, Pages.GetValue(options.Value, Render));
    }

    /// <summary>The page's script and style sheet; any other name is 404.</summary>
    [Function(nameof(UploadPageAsset))]
    public static Results<FileContentHttpResult, ProblemHttpResult> UploadPageAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "upload/{asset}")] HttpRequest request, string asset) =>
        Assets.TryGetValue(asset, out var content)
            ? Serve(request.HttpContext, content)
            : Problems.NotFound($"The upload page has no asset '{(asset.Length > 64 ? asset[..64] : asset)}'.");

    /// <summary>Fills the page template with the app's buckets and upload limit.</summary>
    internal static PageAsset Render(FilesOptions options)
    {
        var buckets = new StringBuilder();
        foreach (var bucket in options.AllowedBuckets)
        {
            var encoded = WebUtility.HtmlEncode(bucket);
            var selected = bucket == options.DefaultBucket ? " selected" : "";
            buckets.Append(CultureInfo.InvariantCulture, $"<option value=\"{encoded}\"{selected}>{encoded}</option>");
        }

        var html = Template
            .Replace("{{bucket-options}}", buckets.ToString(), StringComparison.Ordinal)
            .Replace("{{max-bytes}}", options.MaxUploadBytes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{max-size}}", FormatBytes(options.MaxUploadBytes), StringComparison.Ordinal);
        return PageAsset.Create("upload.html", HtmlType, Encoding.UTF8.GetBytes(html));
    }

    /// <summary>A size for people: 1024-based, at most one decimal (<c>100 MB</c>, <c>2.5 KB</c>), as the page's script writes it.</summary>
    internal static string FormatBytes(long bytes)
    {
        string[] units = ["bytes", "KB", "MB", "GB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    private static FileContentHttpResult Serve(HttpContext http, PageAsset asset)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The asset URLs carry no version, so a deploy must show on the next load: always revalidate; the ETag makes
        // that a 304 (the result answers If-None-Match itself).
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }

    private static byte[] Resource(string file)
    {
        using var stream = typeof(UploadPageFunctions).Assembly.GetManifestResourceStream("page/" + file)
            ?? throw new InvalidOperationException($"The embedded resource page/{file} is missing from the build (Files.csproj embeds Page/*).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>One served file of the page, with a strong ETag over its bytes.</summary>
internal sealed record PageAsset(string Name, string ContentType, byte[] Content, EntityTagHeaderValue ETag)
{
    public static PageAsset Create(string name, string contentType, byte[] content) =>
        new(name, contentType, content, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\""));
}
