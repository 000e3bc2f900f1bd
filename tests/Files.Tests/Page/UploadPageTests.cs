using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hit.Contracts.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hit.Files.Tests.Page;

/// <summary>
/// The upload page through the gateway (<c>/files/upload</c>), as a browser and as plain HTTP, against the built app
/// root under the local Functions host: the path a user's browser takes under <c>./hit run</c>.
/// </summary>
[Collection(FilesHostCollection.Name)]
public sealed partial class UploadPageTests(FilesHostFixture files, BrowserFixture browser)
    : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    // A real drop: the same DragEvent sequence a user's drag produces, with a DataTransfer holding a File whose bytes
    // the test chose.
    private const string DropScript = """
        ({ data, name, type }) => {
          const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, { type }));
          const zone = document.getElementById('drop-zone');
          for (const eventType of ['dragenter', 'dragover', 'drop']) {
            zone.dispatchEvent(new DragEvent(eventType, { bubbles: true, cancelable: true, dataTransfer: transfer }));
          }
        }
        """;

    // Written out rather than read from the app, so a loosened policy fails here.
    private const string ExpectedCsp = "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private Uri PageAddress => new(files.FilesAddress, "upload");

    [Fact]
    public async Task DropJpeg_ShowsFullProgressAndThumbnail_FileReadyInChosenNamespace()
    {
        var ns = FilesApp.NewNamespace();
        var jpeg = TestImages.Jpeg(640, 480, seed: 7);
        string? fileId = null;
        await using var session = await PageSession.OpenAsync(browser.Browser, files.FilesAddress);

        await session.RunAsync(nameof(DropJpeg_ShowsFullProgressAndThumbnail_FileReadyInChosenNamespace), async page =>
        {
            await page.GotoAsync(PageAddress.AbsoluteUri);
            await Expect(page.Locator("#namespace")).ToHaveValueAsync("default");
            await page.Locator("#namespace").FillAsync(ns);
            await page.Locator("#token").FillAsync(TestTokens.Issuer.Token(ns, TestTokens.Owner));
            await page.Locator("#tags").FillAsync("holiday, beach");
            await page.EvaluateAsync(DropScript, new { data = Convert.ToBase64String(jpeg), name = "photo.jpg", type = "image/jpeg" });

            var item = page.Locator("#uploads li", new PageLocatorOptions { HasText = "photo.jpg" });
            await Expect(item.Locator("progress")).ToHaveJSPropertyAsync("value", 100, new LocatorAssertionsToHaveJSPropertyOptions { Timeout = 20_000 });
            await Expect(item).ToHaveAttributeAsync("data-state", "ready", new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });
            var thumbnail = item.Locator("img.thumbnail");
            await Expect(thumbnail).ToBeVisibleAsync();
            await Expect(thumbnail).ToHaveJSPropertyAsync("complete", true);
            var naturalWidth = await thumbnail.EvaluateAsync<int>("img => img.naturalWidth");
            Assert.True(naturalWidth > 0, "The thumbnail did not decode (naturalWidth 0).");
            // 640×480 fitted into the 256 box: the page shows the 256 thumbnail, not the original.
            Assert.Equal(256, naturalWidth);

            fileId = await item.GetAttributeAsync("data-file-id");
            Assert.Empty(session.Errors);
            Assert.Empty(session.ForeignRequests);
        });

        Assert.NotNull(fileId);
        using var client = files.Client(ns);
        var file = await client.GetFromJsonAsync<FileResponse>($"files/{fileId}");
        Assert.NotNull(file);
        Assert.Equal(FileStatuses.Ready, file.Status);
        Assert.Equal("photo.jpg", file.Name);
        Assert.Equal("image/jpeg", file.ContentType);
        Assert.Equal("chat-bucket", file.Bucket);
        Assert.Equal(["holiday", "beach"], file.Tags);
        Assert.Equal(jpeg.Length, file.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(jpeg)), file.Sha256);
        Assert.Contains(file.Thumbnails, t => t.Size == "256" && t.Width == 256 && t.Height == 192);

        using var otherNamespace = files.Client("default");
        Assert.Equal(HttpStatusCode.NotFound, (await otherNamespace.GetAsync(new Uri($"files/{fileId}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ChooseSvg_ShowsSkippedReason_WithoutThumbnail()
    {
        var ns = FilesApp.NewNamespace();
        string? fileId = null;
        string? statusText = null;
        await using var session = await PageSession.OpenAsync(browser.Browser, files.FilesAddress);

        await session.RunAsync(nameof(ChooseSvg_ShowsSkippedReason_WithoutThumbnail), async page =>
        {
            await page.GotoAsync(PageAddress.AbsoluteUri);
            await page.Locator("#namespace").FillAsync(ns);
            await page.Locator("#token").FillAsync(TestTokens.Issuer.Token(ns, TestTokens.Owner));
            await page.Locator("#file-input").SetInputFilesAsync(new FilePayload
            {
                Name = "logo.svg",
                MimeType = "image/svg+xml",
                Buffer = Encoding.UTF8.GetBytes(TestImages.Svg),
            });

            var item = page.Locator("#uploads li", new PageLocatorOptions { HasText = "logo.svg" });
            await Expect(item).ToHaveAttributeAsync("data-state", "skipped", new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });
            await Expect(item.Locator("progress")).ToHaveJSPropertyAsync("value", 100);
            await Expect(item.Locator("img")).ToHaveCountAsync(0);
            statusText = await item.Locator(".status").InnerTextAsync();
            fileId = await item.GetAttributeAsync("data-file-id");
            Assert.Empty(session.Errors);
        });

        using var client = files.Client(ns);
        var file = await FilesHostFixture.WaitSettledAsync(client, fileId!, Settle);
        Assert.Equal(FileStatuses.Skipped, file.Status);
        Assert.Equal("image/svg+xml", file.ContentType);
        Assert.False(string.IsNullOrEmpty(file.StatusReason));
        Assert.Contains("skipped", statusText, StringComparison.Ordinal);
        Assert.Contains(file.StatusReason, statusText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_RefusedByApi_ShowsProblemDetail()
    {
        await using var session = await PageSession.OpenAsync(browser.Browser, files.FilesAddress);

        await session.RunAsync(nameof(Upload_RefusedByApi_ShowsProblemDetail), async page =>
        {
            await page.GotoAsync(PageAddress.AbsoluteUri);
            var ns = FilesApp.NewNamespace();
            await page.Locator("#namespace").FillAsync(ns);
            await page.Locator("#token").FillAsync(TestTokens.Issuer.Token(ns, TestTokens.Owner));
            await page.Locator("#tags").FillAsync(new string('x', 65));
            await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "a.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });

            var item = page.Locator("#uploads li", new PageLocatorOptions { HasText = "a.txt" });
            await Expect(item).ToHaveAttributeAsync("data-state", "failed");
            await Expect(item.Locator(".status")).ToHaveTextAsync("Each tag must be at most 64 characters without control characters.");
            Assert.Null(await item.GetAttributeAsync("data-file-id"));
        });
    }

    [Fact]
    public async Task Drop_InvalidNamespace_ShowsErrorAndSendsNothing()
    {
        await using var session = await PageSession.OpenAsync(browser.Browser, files.FilesAddress);

        await session.RunAsync(nameof(Drop_InvalidNamespace_ShowsErrorAndSendsNothing), async page =>
        {
            var uploads = 0;
            page.Request += (_, request) => uploads += request.Method == "POST" ? 1 : 0;
            await page.GotoAsync(PageAddress.AbsoluteUri);
            await page.Locator("#namespace").FillAsync("Not_A-Namespace");
            await page.EvaluateAsync(DropScript, new { data = Convert.ToBase64String("hello"u8.ToArray()), name = "a.txt", type = "text/plain" });

            await Expect(page.Locator("#form-error")).ToBeVisibleAsync();
            await Expect(page.Locator("#form-error")).ToContainTextAsync("namespace");
            await Expect(page.Locator("#namespace")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#uploads li")).ToHaveCountAsync(0);
            Assert.Equal(0, uploads);
        });
    }

    [Fact]
    public async Task Drop_WithoutAccessToken_ShowsErrorAndSendsNothing()
    {
        await using var session = await PageSession.OpenAsync(browser.Browser, files.FilesAddress);

        await session.RunAsync(nameof(Drop_WithoutAccessToken_ShowsErrorAndSendsNothing), async page =>
        {
            var uploads = 0;
            page.Request += (_, request) => uploads += request.Method == "POST" ? 1 : 0;
            await page.GotoAsync(PageAddress.AbsoluteUri);
            await page.Locator("#namespace").FillAsync(FilesApp.NewNamespace());
            await page.EvaluateAsync(DropScript, new { data = Convert.ToBase64String("hello"u8.ToArray()), name = "a.txt", type = "text/plain" });

            await Expect(page.Locator("#form-error")).ToContainTextAsync("access token");
            await Expect(page.Locator("#token")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#uploads li")).ToHaveCountAsync(0);
            Assert.Equal(0, uploads);
        });
    }

    [Fact]
    public async Task Upload_WithATokenOfAnotherNamespace_ShowsTheRefusal_AndStoresNothing()
    {
        var ns = FilesApp.NewNamespace();
        await using var session = await PageSession.OpenAsync(browser.Browser, files.FilesAddress);

        await session.RunAsync(nameof(Upload_WithATokenOfAnotherNamespace_ShowsTheRefusal_AndStoresNothing), async page =>
        {
            await page.GotoAsync(PageAddress.AbsoluteUri);
            await page.Locator("#namespace").FillAsync(ns);
            await page.Locator("#token").FillAsync(TestTokens.Issuer.Token(FilesApp.NewNamespace(), TestTokens.Owner));
            await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "b.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });

            var item = page.Locator("#uploads li", new PageLocatorOptions { HasText = "b.txt" });
            await Expect(item).ToHaveAttributeAsync("data-state", "failed");
            await Expect(item.Locator(".status")).ToContainTextAsync("another namespace");
        });

        Assert.Empty(await TestBlobs.ListAsync("uploads", $"{ns}/"));
    }

    [Fact]
    public async Task GetPage_ServesHtmlWithCspAndRelativeUrlsOnly()
    {
        using var client = files.Client("default");
        using var response = await client.GetAsync(new Uri("upload", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        AssertSecurityHeaders(response);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"upload/app.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"upload/app.css\">", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"chat-bucket\" selected>chat-bucket</option>", html, StringComparison.Ordinal);
        Assert.Contains($"data-max-bytes=\"{FilesHostFixture.MaxUploadBytes}\"", html, StringComparison.Ordinal);
        // The CSP forbids inline code; the page must not need it.
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.All(UrlAttributes().Matches(html), m =>
            Assert.True(m.Groups[1].Value.StartsWith("data:", StringComparison.Ordinal) || !m.Groups[1].Value.Contains(':', StringComparison.Ordinal) && !m.Groups[1].Value.StartsWith('/'),
                $"Not a relative URL: {m.Value}"));
    }

    [Fact]
    public async Task GetPage_TrailingSlash_RedirectsWhereRelativeUrlsResolve()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = files.FilesAddress };
        using var response = await client.GetAsync(new Uri("upload/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(files.FilesAddress, "upload"), new Uri(new Uri(files.FilesAddress, "upload/"), response.Headers.Location!));
    }

    [Theory]
    [InlineData("upload/app.js", "text/javascript; charset=utf-8")]
    [InlineData("upload/app.css", "text/css; charset=utf-8")]
    public async Task GetAsset_ServesTypeCspAndRevalidatesWithETag(string path, string contentType)
    {
        using var client = files.Client("default");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        AssertSecurityHeaders(response);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("upload/missing.js")]
    [InlineData("upload/upload.html")]
    [InlineData("upload/..%2Fappsettings.json")]
    public async Task GetAsset_Unknown_Returns404(string path)
    {
        using var client = files.Client("default");
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal(ExpectedCsp, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(new CacheControlHeaderValue { NoCache = true }, response.Headers.CacheControl);
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\s(?:src|href|action)=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex UrlAttributes();
}
