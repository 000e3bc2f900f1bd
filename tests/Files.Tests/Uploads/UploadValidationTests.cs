using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hit.Contracts.Files;

namespace Hit.Files.Tests.Uploads;

/// <summary>Bad input gets a 4xx naming the field, and nothing is stored.</summary>
public sealed class UploadValidationTests(FilesApp factory) : IClassFixture<FilesApp>
{
    [Fact]
    public async Task Upload_WithoutMultipart_Is415NamingContentType()
    {
        using var client = factory.Client(FilesApp.NewNamespace());
        using var response = await client.PostAsync("files/upload", new ByteArrayContent([1, 2, 3]));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "multipart_required", "Content-Type");
    }

    [Fact]
    public async Task Upload_WithoutFilePart_Is400NamingFile()
    {
        using var client = factory.Client(FilesApp.NewNamespace());
        using var form = new MultipartFormDataContent { { new StringContent("x"), "file_tags" } };
        using var response = await client.PostAsync("files/upload", form);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "file_missing", "file");
    }

    [Fact]
    public async Task Upload_ToABucketNotInTheAllowList_Is400_AndStoresNothing()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        using var response = await client.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(8, 8), "a.jpg", bucket: "secret-bucket"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "bucket_not_allowed", "bucket_name");
        Assert.Empty(await TestBlobs.ListAsync("uploads", ns + "/"));
    }

    [Fact]
    public async Task Upload_ToAnotherAllowedBucket_IsStoredThere()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        using var response = await client.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(8, 8), "me.jpg", bucket: "avatars"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var file = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        Assert.Equal("avatars", file.Bucket);
        Assert.Equal([$"{ns}/avatars/{file.Id}/me.jpg"], await TestBlobs.ListAsync("uploads", ns + "/"));
    }

    [Fact]
    public async Task Upload_WithTooManyTags_Is400NamingFileTags()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        var tags = string.Join(',', Enumerable.Range(0, 21).Select(i => "t" + i));
        using var response = await client.PostAsync("files/upload", Multipart.Upload(TestImages.Jpeg(8, 8), "a.jpg", tags: [tags]));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_tags", "file_tags");
        Assert.Empty(await TestBlobs.ListAsync("uploads", ns + "/"));
    }

    [Fact]
    public async Task Upload_WithAFieldAfterTheFile_Is400_AndTheStoredFileIsRemoved()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        var form = Multipart.Upload(TestImages.Jpeg(8, 8), "a.jpg");
        form.Add(new StringContent("avatars"), "bucket_name");

        using var response = await client.PostAsync("files/upload", form);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "field_after_file", "bucket_name");
        Assert.Empty(await TestBlobs.ListAsync("uploads", ns + "/"));
    }

    [Fact]
    public async Task Upload_WithTwoFileParts_Is400_AndNothingIsKept()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        var form = Multipart.Upload(TestImages.Jpeg(8, 8), "a.jpg");
        var second = new ByteArrayContent([1, 2, 3]);
        second.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"b.bin\"" };
        form.Add(second);

        using var response = await client.PostAsync("files/upload", form);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "file_missing", "file");
        Assert.Empty(await TestBlobs.ListAsync("uploads", ns + "/"));
    }

    [Fact]
    public async Task Upload_FilenameStar_IsDecodedAndSanitised()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("hi"u8.ToArray());
        file.Headers.Add("Content-Disposition", "form-data; name=\"file\"; filename=\"fallback.txt\"; filename*=UTF-8''%C3%A9t%C3%A9%2F..%2Fnotes.txt");
        form.Add(file);

        using var response = await client.PostAsync("files/upload", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("notes.txt", (await response.Content.ReadFromJsonAsync<FileResponse>())!.Name);
    }

    [Fact]
    public async Task UploadUrl_Validation_NamesTheField()
    {
        using var client = factory.Client(FilesApp.NewNamespace());

        await AssertProblemAsync(await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest(null)), HttpStatusCode.BadRequest, "validation_failed", "name");
        await AssertProblemAsync(await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("a", FilesApp.MaxUploadBytes + 1)),
            HttpStatusCode.RequestEntityTooLarge, "upload_too_large", "size");
        await AssertProblemAsync(await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("a", -1)), HttpStatusCode.BadRequest, "validation_failed", "size");
        await AssertProblemAsync(await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("a", BucketName: "nope")),
            HttpStatusCode.BadRequest, "bucket_not_allowed", "bucket_name");
    }

    [Fact]
    public async Task Complete_AnOversizedDirectUpload_Is413_AndDeletesIt()
    {
        var ns = FilesApp.NewNamespace();
        using var client = factory.Client(ns);
        using var issued = await client.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("big.bin"));
        var upload = (await issued.Content.ReadFromJsonAsync<UploadUrlResponse>())!;
        using (var put = new HttpRequestMessage(HttpMethod.Put, upload.UploadUrl) { Content = new ByteArrayContent(new byte[FilesApp.MaxUploadBytes + 1]) })
        {
            put.Headers.Add("x-ms-blob-type", "BlockBlob");
            using var raw = new HttpClient();
            Assert.Equal(HttpStatusCode.Created, (await raw.SendAsync(put)).StatusCode);
        }

        using var completed = await client.PostAsync($"files/{upload.Id}/complete", null);

        await AssertProblemAsync(completed, HttpStatusCode.RequestEntityTooLarge, "upload_too_large", null);
        Assert.Empty(await TestBlobs.ListAsync("uploads", ns + "/"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"files/{upload.Id}")).StatusCode);
    }

    [Theory]
    [InlineData("files/0123456789abcdef0123456789abcdef")]
    [InlineData("files/..%2F..%2Fsecret")]
    [InlineData("files/0123456789abcdef0123456789abcdef/content")]
    [InlineData("files/0123456789abcdef0123456789abcdef/thumbnails/256")]
    public async Task UnknownFiles_Are404(string path)
    {
        using var client = factory.Client(FilesApp.NewNamespace());
        using var response = await client.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "file_not_found", null);
    }

    [Fact]
    public async Task UnknownThumbnailSize_Is404WithItsOwnCode()
    {
        using var client = factory.Client(FilesApp.NewNamespace());
        using var created = await client.PostAsync("files/upload", Multipart.Upload(Encoding.UTF8.GetBytes("text"), "a.txt", "text/plain"));
        var file = (await created.Content.ReadFromJsonAsync<FileResponse>())!;

        using var response = await client.GetAsync($"files/{file.Id}/thumbnails/999");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "thumbnail_not_found", null);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        }
    }
}
