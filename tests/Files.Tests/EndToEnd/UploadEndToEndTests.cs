using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hit.Contracts.Files;
using Hit.Testing;

namespace Hit.Files.Tests.EndToEnd;

/// <summary>
/// Uploads through the gateway and the local Functions host (the built app root), thumbnails made by the blob
/// trigger the host fires from Azurite, documents in the Cosmos server.
/// </summary>
[Collection(FilesHostCollection.Name)]
public sealed class UploadEndToEndTests(FilesHostFixture fixture)
{
    private static readonly string[] DefaultThumbnailKeys = ["128", "256", "1024", "256-square"];

    [Fact]
    public async Task Upload_Jpeg_IsStoredAndThumbnailed()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        var image = TestImages.Jpeg(1600, 900);

        using var response = await client.PostAsync("files/upload", Multipart.Upload(image, "holiday.jpg", "image/png", tags: ["summer, beach", "beach"]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        Assert.Equal(32, created.Id.Length);
        Assert.Equal("holiday.jpg", created.Name);
        Assert.Equal(image.Length, created.Size);
        Assert.Equal("image/jpeg", created.ContentType);       // sniffed from the bytes …
        Assert.Equal("image/png", created.ClaimedContentType); // … the client's claim only recorded
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), created.Sha256);
        Assert.Equal(["summer", "beach"], created.Tags);
        Assert.Equal("chat-bucket", created.Bucket);
        // Through the gateway the app's /files prefix is part of the address, and following it reaches the file.
        Assert.Equal($"/files/files/{created.Id}", response.Headers.Location!.OriginalString);
        using (var followed = await client.GetAsync(new Uri(fixture.Gateway.BaseAddress, response.Headers.Location)))
        {
            Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
            Assert.Equal(created.Id, (await followed.Content.ReadFromJsonAsync<FileResponse>())!.Id);
        }

        // How fast is a benchmark's question (tests/Benchmarks/Files.Benchmarks), not a timed assertion's.
        var ready = await FilesHostFixture.WaitSettledAsync(client, created.Id);
        Assert.Equal(FileStatuses.Ready, ready.Status);
        Assert.Equal((1600, 900), (ready.Width, ready.Height));
        Assert.Equal(DefaultThumbnailKeys, ready.Thumbnails.Select(t => t.Size));
        Assert.Equal((128, 72), Dimensions(ready, "128"));
        Assert.Equal((256, 144), Dimensions(ready, "256"));
        Assert.Equal((1024, 576), Dimensions(ready, "1024"));
        Assert.Equal((256, 256), Dimensions(ready, "256-square"));

        // Every thumbnail streams through the API and through its read URL, and decodes to the advertised size.
        foreach (var thumbnail in ready.Thumbnails)
        {
            var bytes = await client.GetByteArrayAsync($"files/{created.Id}/thumbnails/{thumbnail.Size}");
            Assert.Equal((thumbnail.Width, thumbnail.Height), TestImages.Dimensions(bytes));
            using var direct = new HttpClient();
            Assert.Equal(bytes, await direct.GetByteArrayAsync(thumbnail.Url));
        }

        using var anonymous = new HttpClient();
        Assert.Equal(image, await anonymous.GetByteArrayAsync(ready.Url));
        Assert.True(ready.UrlExpiresAt > DateTimeOffset.UtcNow && ready.UrlExpiresAt < DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public async Task DirectUpload_WithAzureStorageSdkForJavaScript_IsThumbnailed_AndBelongsToNobody()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        var fileId = Guid.NewGuid().ToString("N");
        var image = TestImages.Jpeg(800, 600, seed: 7);
        var blobName = $"{ns}/avatars/{fileId}/straight-in.jpg";

        await RunBlobUploadScriptAsync(image, "--connection-string", TestStack.StorageConnection, "--container", "uploads",
            "--blob", blobName, "--content-type", "image/jpeg");

        // The trigger has no caller: it takes the namespace from the path and registers the blob without an owner.
        var line = await fixture.HostLog.WaitForAsync(l => l.Contains($"ready {blobName}:", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Contains("4 thumbnails", line, StringComparison.Ordinal);
        Assert.Equal(4, (await TestBlobs.ListAsync("thumbnails", $"{ns}/avatars/{fileId}/")).Count);

        // Nobody's file: no token's subject matches a missing owner, not even a user of that namespace.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"files/{fileId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"files/{fileId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"files/{fileId}/complete", null)).StatusCode);
        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"files/{fileId}?ns={ns}")).StatusCode);
        Assert.Equal([blobName], await TestBlobs.ListAsync("uploads", $"{ns}/"));
    }

    [Fact]
    public async Task UploadUrl_ThenSdkUploadThroughTheSas_ThenComplete_IsVerifiedAndThumbnailed()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        var image = TestImages.Png(700, 500, seed: 3);

        using var issued = await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("../big scan.png", image.Length, "image/png", "avatars", ["scan"]));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var upload = (await issued.Content.ReadFromJsonAsync<UploadUrlResponse>())!;
        Assert.Equal("PUT", upload.Method);
        Assert.Equal(FilesHostFixture.MaxUploadBytes, upload.MaxSize);
        Assert.Contains("sp=cw", upload.UploadUrl, StringComparison.Ordinal); // create + write only: no read, no list

        // The SAS cannot read: the URL is for writing this one blob.
        using (var anonymous = new HttpClient())
        {
            using var read = await anonymous.GetAsync(upload.UploadUrl);
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        }

        var pending = await client.GetFromJsonAsync<FileResponse>($"files/{upload.Id}");
        Assert.Equal(FileStatuses.Uploading, pending!.Status);

        await RunBlobUploadScriptAsync(image, "--sas-url", upload.UploadUrl);
        using var completed = await client.PostAsync($"files/{upload.Id}/complete", null);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var file = (await completed.Content.ReadFromJsonAsync<FileResponse>())!;
        Assert.Equal("big scan.png", file.Name);
        Assert.Equal("image/png", file.ContentType);
        Assert.Equal(image.Length, file.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), file.Sha256);

        var ready = await FilesHostFixture.WaitSettledAsync(client, upload.Id);
        Assert.Equal(FileStatuses.Ready, ready.Status);
        Assert.Equal(["scan"], ready.Tags);
        Assert.Equal(DefaultThumbnailKeys, ready.Thumbnails.Select(t => t.Size));

        // Completing again is harmless and answers the same file.
        using var again = await client.PostAsync($"files/{upload.Id}/complete", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Complete_BeforeAnythingWasUploaded_Is409()
    {
        using var client = fixture.Client(NewNamespace());
        using var issued = await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("a.bin"));
        var upload = (await issued.Content.ReadFromJsonAsync<UploadUrlResponse>())!;

        using var completed = await client.PostAsync($"files/{upload.Id}/complete", null);

        Assert.Equal(HttpStatusCode.Conflict, completed.StatusCode);
        Assert.Equal("upload_not_found", await ProblemCodeAsync(completed));
    }

    [Fact]
    public async Task Svg_IsSkippedWithReason()
    {
        using var client = fixture.Client(NewNamespace());
        using var response = await client.PostAsync("files/upload", Multipart.Upload(Encoding.UTF8.GetBytes(TestImages.Svg), "logo.svg", "image/svg+xml"));
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        Assert.Equal("image/svg+xml", created.ContentType);

        var file = await FilesHostFixture.WaitSettledAsync(client, created.Id);

        Assert.Equal(FileStatuses.Skipped, file.Status);
        Assert.Contains("SVG", file.StatusReason, StringComparison.Ordinal);
        Assert.Empty(file.Thumbnails);
        await AssertNoThumbnailBlobsAsync(client, created.Id);

        // An SVG is never rendered in the app's origin: it downloads, sandboxed.
        using var content = await client.GetAsync($"files/{created.Id}/content");
        Assert.StartsWith("attachment", content.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.Contains("sandbox", content.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonImage_IsSkipped_EvenWhenTheClientClaimsJpeg()
    {
        using var client = fixture.Client(NewNamespace());
        var script = "#!/bin/sh\necho pwned\n"u8.ToArray();
        using var response = await client.PostAsync("files/upload", Multipart.Upload(script, "cat.jpg", "image/jpeg"));
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;

        var file = await FilesHostFixture.WaitSettledAsync(client, created.Id);

        Assert.Equal("text/plain", file.ContentType);
        Assert.Equal("image/jpeg", file.ClaimedContentType);
        Assert.Equal(FileStatuses.Skipped, file.Status);
        Assert.Contains("not an image", file.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptJpeg_FailsWithReason_AndIsNotRetried()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        using var response = await client.PostAsync("files/upload", Multipart.Upload(TestImages.TruncatedJpeg(), "broken.jpg"));
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;

        var file = await FilesHostFixture.WaitSettledAsync(client, created.Id);
        Assert.Equal(FileStatuses.Failed, file.Status);
        Assert.False(string.IsNullOrWhiteSpace(file.StatusReason));
        Assert.Empty(file.Thumbnails);

        // A permanent failure is an answer, not an error: the host saw one successful invocation and no retries. A failed
        // invocation would leave its receipt open and be delivered again on the next scan; two blobs processed after it
        // take the watcher through a whole scan, so by then a retry would have run and logged.
        await fixture.ProcessLaterBlobAsync(client);
        await fixture.ProcessLaterBlobAsync(client);
        var invocations = fixture.HostLog.Lines.Count(l => l.Contains($"failed {ns}/chat-bucket/{created.Id}/broken.jpg", StringComparison.Ordinal));
        Assert.True(invocations == 1, $"{invocations} invocations; host log:\n{string.Join('\n', fixture.HostLog.Lines.Where(l => l.Contains(created.Id, StringComparison.Ordinal)))}");
        Assert.DoesNotContain(fixture.HostLog.Lines, l => l.Contains(created.Id, StringComparison.Ordinal) && l.Contains("attempt", StringComparison.OrdinalIgnoreCase));
        var after = await client.GetFromJsonAsync<FileResponse>($"files/{created.Id}");
        Assert.Equal(file.UpdatedAt, after!.UpdatedAt);
    }

    [Fact]
    public async Task FiveConcurrentUploadsOfTheSameFile_GiveFiveFilesAndFiveThumbnailSets()
    {
        using var client = fixture.Client(NewNamespace());
        var image = TestImages.Jpeg(1200, 800, seed: 11);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostAsync("files/upload", Multipart.Upload(image, "same.jpg"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<FileResponse>())!.Id));
        Assert.Equal(5, ids.Distinct().Count());
        var files = await Task.WhenAll(ids.Select(id => FilesHostFixture.WaitSettledAsync(client, id, TimeSpan.FromSeconds(40))));
        Assert.All(files, f =>
        {
            Assert.Equal(FileStatuses.Ready, f.Status);
            Assert.Equal(DefaultThumbnailKeys, f.Thumbnails.Select(t => t.Size));
            Assert.Equal(files[0].Sha256, f.Sha256);
        });

        var thumbnailBlobs = new List<string>();
        foreach (var id in ids)
        {
            thumbnailBlobs.AddRange(await TestBlobs.ListAsync("thumbnails", ThumbnailPrefixOf(client, id)));
        }

        Assert.Equal(20, thumbnailBlobs.Distinct().Count());
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Namespaces_AreIsolated()
    {
        var owner = NewNamespace();
        using var a = fixture.Client(owner);
        using var b = fixture.Client(NewNamespace());
        using var response = await a.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(64, 64), "private.jpg"));
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"files/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"files/{created.Id}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"files/{created.Id}/thumbnails/128")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"files/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync($"files/{created.Id}/complete", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"files/{created.Id}")).StatusCode);
        var blobs = await TestBlobs.ListAsync("uploads", $"{owner}/");
        Assert.Equal([$"{owner}/chat-bucket/{created.Id}/private.jpg"], blobs);
    }

    [Fact]
    public async Task OversizedUpload_Is413_AndNothingIsStored()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        var tooBig = RandomNumberGenerator.GetBytes((int)FilesHostFixture.MaxUploadBytes + 1);

        using var response = await client.PostAsync("files/upload", Multipart.Upload(tooBig, "huge.bin", "application/octet-stream"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("upload_too_large", await ProblemCodeAsync(response));
        await AssertOnlyTheLaterBlobIsStoredAsync(client, ns);
    }

    [Fact]
    public async Task OversizedUpload_WithoutContentLength_Is413_AndNothingIsStored()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        var form = Multipart.Upload(new byte[FilesHostFixture.MaxUploadBytes + (512 * 1024)], "chunked.bin", "application/octet-stream");
        // Chunked: the server only learns the size by counting while it streams into storage.
        using var request = new HttpRequestMessage(HttpMethod.Post, "files/upload") { Content = new StreamContent(await form.ReadAsStreamAsync()) };
        request.Content.Headers.ContentType = form.Headers.ContentType;
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertOnlyTheLaterBlobIsStoredAsync(client, ns);
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\win.ini", "win.ini")]
    [InlineData("....//....//x.jpg", "x.jpg")]
    [InlineData("..", "file")]
    [InlineData("a/b/../../c.txt", "c.txt")]
    [InlineData("evil\u0000name\u202e.jpg", "evil_name_.jpg")]
    public async Task PathTraversalInFileNames_IsNeutralised(string fileName, string expected)
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        using var response = await client.PostAsync("files/upload", Multipart.Upload("hello"u8.ToArray(), fileName, "text/plain"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        Assert.Equal(expected, created.Name);
        Assert.Equal([$"{ns}/chat-bucket/{created.Id}/{expected}"], await TestBlobs.ListAsync("uploads", $"{ns}/"));
    }

    [Fact]
    public async Task Content_SupportsRangesAndConditionalRequests()
    {
        using var client = fixture.Client(NewNamespace());
        var image = TestImages.Jpeg(300, 200);
        using var response = await client.PostAsync("files/upload", Multipart.Upload(image, "r.jpg"));
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;

        using var whole = await client.GetAsync($"files/{created.Id}/content");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(image, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/jpeg", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        var etag = whole.Headers.ETag!;

        using var first = new HttpRequestMessage(HttpMethod.Get, $"files/{created.Id}/content");
        first.Headers.Range = new RangeHeaderValue(0, 9);
        using var partial = await client.SendAsync(first);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(image[..10], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 0-9/{image.Length}", partial.Content.Headers.ContentRange!.ToString());

        using var suffix = new HttpRequestMessage(HttpMethod.Get, $"files/{created.Id}/content");
        suffix.Headers.Range = new RangeHeaderValue(null, 5);
        using var tail = await client.SendAsync(suffix);
        Assert.Equal(image[^5..], await tail.Content.ReadAsByteArrayAsync());

        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"files/{created.Id}/content");
        beyond.Headers.Range = new RangeHeaderValue(image.Length + 10, null);
        using var unsatisfiable = await client.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"files/{created.Id}/content");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Delete_RemovesOriginalThumbnailsAndDocument()
    {
        var ns = NewNamespace();
        using var client = fixture.Client(ns);
        using var response = await client.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(400, 300), "gone.jpg"));
        var created = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        await FilesHostFixture.WaitSettledAsync(client, created.Id);
        Assert.Equal(4, (await TestBlobs.ListAsync("thumbnails", $"{ns}/")).Count);

        using var deleted = await client.DeleteAsync($"files/{created.Id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"files/{created.Id}")).StatusCode);
        Assert.Empty(await TestBlobs.ListAsync("uploads", $"{ns}/"));
        Assert.Empty(await TestBlobs.ListAsync("thumbnails", $"{ns}/"));
    }

    [Fact]
    public async Task PublicImage_MetadataContentAndThumbnails_AreReadableAnonymously_APrivateOnesAreNot()
    {
        var ns = NewNamespace();
        using var owner = fixture.Client(ns);
        using var bob = fixture.Client(ns, "bob");
        using var anonymous = fixture.Anonymous();
        using var sharedResponse = await owner.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(320, 240, seed: 5), "shared.jpg", "image/jpeg", null, "true"));
        using var privateResponse = await owner.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(320, 240, seed: 6), "mine.jpg"));
        var shared = await FilesHostFixture.WaitSettledAsync(owner, (await sharedResponse.Content.ReadFromJsonAsync<FileResponse>())!.Id);
        var mine = await FilesHostFixture.WaitSettledAsync(owner, (await privateResponse.Content.ReadFromJsonAsync<FileResponse>())!.Id);
        Assert.Equal((FileStatuses.Ready, FileStatuses.Ready), (shared.Status, mine.Status));

        var seen = (await anonymous.GetFromJsonAsync<FileResponse>($"files/{shared.Id}?ns={ns}"))!;
        Assert.Equal(DefaultThumbnailKeys, seen.Thumbnails.Select(t => t.Size));
        var thumbnail = await anonymous.GetByteArrayAsync($"files/{shared.Id}/thumbnails/256?ns={ns}");
        Assert.Equal((256, 192), TestImages.Dimensions(thumbnail));
        Assert.Equal(await owner.GetByteArrayAsync($"files/{shared.Id}/content"), await anonymous.GetByteArrayAsync($"files/{shared.Id}/content?ns={ns}"));
        Assert.Equal(thumbnail, await bob.GetByteArrayAsync($"files/{shared.Id}/thumbnails/256"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"files/{mine.Id}/thumbnails/256?ns={ns}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"files/{mine.Id}/thumbnails/256")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"files/{mine.Id}/thumbnails/256")).StatusCode);
    }

    private async Task AssertOnlyTheLaterBlobIsStoredAsync(HttpClient client, string ns)
    {
        // Not "nothing yet": a file uploaded after the refused one is stored and thumbnailed, so the store and the
        // trigger demonstrably ran since; the refused upload left no original and no thumbnail beside it.
        var later = await fixture.ProcessLaterBlobAsync(client);
        Assert.Equal([$"{ns}/chat-bucket/{later.Id}/later.jpg"], await TestBlobs.ListAsync("uploads", $"{ns}/"));
        Assert.All(await TestBlobs.ListAsync("thumbnails", $"{ns}/"), name => Assert.StartsWith($"{ns}/chat-bucket/{later.Id}/", name, StringComparison.Ordinal));
    }

    private static string NewNamespace() => "e" + Guid.NewGuid().ToString("N")[..20];

    private static (int, int) Dimensions(FileResponse file, string key)
    {
        var thumbnail = file.Thumbnails.Single(t => t.Size == key);
        return (thumbnail.Width, thumbnail.Height);
    }

    private static string ThumbnailPrefixOf(HttpClient client, string id) =>
        $"{client.DefaultRequestHeaders.GetValues("X-Hit-Namespace").Single()}/chat-bucket/{id}/";

    private static async Task AssertNoThumbnailBlobsAsync(HttpClient client, string id) =>
        Assert.Empty(await TestBlobs.ListAsync("thumbnails", ThumbnailPrefixOf(client, id)));

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    /// <summary>Runs Scripts/blob-upload.mjs (the official JS SDK) with the repository's node_modules.</summary>
    private static async Task RunBlobUploadScriptAsync(byte[] content, params string[] arguments)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, content);
        try
        {
            var script = Path.Combine(TestStack.RepositoryRoot, "tests", "Files.Tests", "Scripts", "blob-upload.mjs");
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            foreach (var argument in arguments.Concat(["--file", file]))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"blob-upload.mjs failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
