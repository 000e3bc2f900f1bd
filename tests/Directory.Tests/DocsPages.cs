using System.Net;
using System.Text.RegularExpressions;

namespace Hit.Directory.Tests;

/// <summary>
/// Loads a documentation page as a browser would: the page, every asset it references (and the modules those import),
/// and the OpenAPI document its script points at — each must answer 200 with the content type a browser needs
/// (a script served as text/plain or a stylesheet as octet-stream is refused by the browser), and none may be
/// fetched from another host.
/// </summary>
internal static partial class DocsPages
{
    public static async Task AssertServedAsync(HttpClient client, Uri page, string marker)
    {
        using var response = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(marker, html, StringComparison.Ordinal);

        var references = Reference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, url => Assert.False(Uri.TryCreate(url, UriKind.Absolute, out _) || url.StartsWith("//", StringComparison.Ordinal), $"{url} is not served by the app"));
        var specFound = false;
        var pending = new Queue<Uri>(references.Select(url => new Uri(page, url)));
        var seen = new HashSet<Uri>();
        while (pending.TryDequeue(out var asset))
        {
            if (!seen.Add(asset))
            {
                continue;
            }

            using var served = await client.GetAsync(asset);
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)served.StatusCode}");
            Assert.Contains(served.Content.Headers.ContentType?.MediaType, ContentTypesFor(asset));
            if (asset.AbsolutePath.EndsWith(".js", StringComparison.Ordinal))
            {
                var script = await served.Content.ReadAsStringAsync();
                Assert.False(string.IsNullOrWhiteSpace(script), $"{asset} is empty");
                foreach (var import in Import().Matches(script).Select(m => m.Groups["url"].Value))
                {
                    pending.Enqueue(new Uri(asset, import));
                }

                if (script.Contains("../openapi/v1.json", StringComparison.Ordinal))
                {
                    specFound = true;
                    using var spec = await client.GetAsync(new Uri(asset, "../openapi/v1.json"));
                    Assert.Equal(HttpStatusCode.OK, spec.StatusCode);
                    Assert.Equal("application/json", spec.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        Assert.True(specFound, $"no script of {page} points at ../openapi/v1.json");
    }

    private static string[] ContentTypesFor(Uri asset) => Path.GetExtension(asset.AbsolutePath) switch
    {
        // Both are JavaScript MIME types to a browser (RFC 9239 prefers the first; ASP.NET Core serves the second).
        ".js" => ["text/javascript", "application/javascript"],
        ".css" => ["text/css"],
        ".png" => ["image/png"],
        var other => throw new InvalidOperationException($"No expected content type for {other} ({asset})."),
    };

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]+)\"")]
    private static partial Regex Reference();

    // Static ES module imports (ReDoc's index.js imports its standalone bundle).
    [GeneratedRegex("""\bfrom\s+['"](?<url>\.{1,2}/[^'"]+)['"]""")]
    private static partial Regex Import();
}
