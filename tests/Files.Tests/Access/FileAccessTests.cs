using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hit.Contracts.Files;

namespace Hit.Files.Tests.Access;

/// <summary>
/// Who may do what with a file, through the built app under the local host with real tokens: the owner everything,
/// another user of the namespace only a public file's reads, another namespace nothing, anonymous callers the reads of
/// a public file named by <c>?ns=</c> and nothing else.
/// </summary>
public sealed class FileAccessTests(FilesApp app) : IClassFixture<FilesApp>
{
    private static readonly byte[] Text = "a private note"u8.ToArray();

    private static async Task<FileResponse> UploadAsync(HttpClient client, string? isPublic = null, string name = "note.txt")
    {
        using var response = await client.PostAsync("files/upload", Multipart.Upload(Text, name, "text/plain", null, isPublic));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<FileResponse>())!;
    }

    [Fact]
    public async Task AnotherNamespace_CannotReadDownloadDeleteShareOrComplete_TheFile()
    {
        var a = FilesApp.NewNamespace();
        using var owner = app.Client(a);
        var file = await UploadAsync(owner);
        using var issued = await owner.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("later.bin"));
        var pending = (await issued.Content.ReadFromJsonAsync<UploadUrlResponse>())!;
        // Tenant B's token, its own namespace: A's files are not there.
        using var b = app.Client(FilesApp.NewNamespace(), "mallory");

        foreach (var path in new[] { $"files/{file.Id}", $"files/{file.Id}/content", $"files/{file.Id}/thumbnails/128" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"files/{file.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PatchAsJsonAsync($"files/{file.Id}", new UpdateFileRequest(true))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync($"files/{pending.Id}/complete", null)).StatusCode);

        // The file is intact for its owner, and still private.
        var after = (await owner.GetFromJsonAsync<FileResponse>($"files/{file.Id}"))!;
        Assert.False(after.Public);
        Assert.Equal(Text, await owner.GetByteArrayAsync($"files/{file.Id}/content"));
    }

    [Fact]
    public async Task AnotherNamespacesToken_NamingTheVictimsNamespace_Is403_ForEveryOperation()
    {
        var a = FilesApp.NewNamespace();
        using var owner = app.Client(a);
        var file = await UploadAsync(owner);
        // Tenant B's token with A's namespace in the header (and in ?ns=): refused, never served in either namespace.
        using var b = TestTokens.Authorize(app.Anonymous(), FilesApp.NewNamespace(), "mallory");
        b.DefaultRequestHeaders.Add("X-Hit-Namespace", a);
        using var bByQuery = TestTokens.Authorize(app.Anonymous(), FilesApp.NewNamespace(), "mallory");

        await AssertProblemAsync(await b.GetAsync($"files/{file.Id}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await b.GetAsync($"files/{file.Id}/content"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await b.DeleteAsync($"files/{file.Id}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await b.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("x.bin")), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await b.PostAsync("files/upload", Multipart.Upload(Text, "x.txt", "text/plain")), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await b.GetAsync("categories"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await bByQuery.GetAsync($"files/{file.Id}?ns={a}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await bByQuery.GetAsync($"files/{file.Id}/content?ns={a}"), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal([$"{a}/chat-bucket/{file.Id}/note.txt"], await TestBlobs.ListAsync("uploads", $"{a}/"));
    }

    [Fact]
    public async Task AnotherUserOfTheNamespace_CannotReadOrDeleteAPrivateFile_ButReadsAPublicOne()
    {
        var ns = FilesApp.NewNamespace();
        using var alice = app.Client(ns, "alice");
        using var bob = app.Client(ns, "bob");
        var secret = await UploadAsync(alice);
        var shared = await UploadAsync(alice, isPublic: "true", name: "shared.txt");
        Assert.True(shared.Public);
        Assert.False(secret.Public);

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"files/{secret.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"files/{secret.Id}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"files/{secret.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsJsonAsync($"files/{secret.Id}", new UpdateFileRequest(true))).StatusCode);

        Assert.Equal("shared.txt", (await bob.GetFromJsonAsync<FileResponse>($"files/{shared.Id}"))!.Name);
        Assert.Equal(Text, await bob.GetByteArrayAsync($"files/{shared.Id}/content"));
        // Reading is not owning: bob can neither delete nor unshare alice's public file.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"files/{shared.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsJsonAsync($"files/{shared.Id}", new UpdateFileRequest(false))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"files/{secret.Id}")).StatusCode);
        Assert.True((await alice.GetFromJsonAsync<FileResponse>($"files/{shared.Id}"))!.Public);
        Assert.Equal(2, (await TestBlobs.ListAsync("uploads", $"{ns}/")).Count);
    }

    [Fact]
    public async Task Anonymous_ReadsAPublicFileByNamespaceQuery_AndNothingElse()
    {
        var ns = FilesApp.NewNamespace();
        using var owner = app.Client(ns);
        var secret = await UploadAsync(owner);
        var shared = await UploadAsync(owner, isPublic: "true", name: "shared.txt");
        using var anonymous = app.Anonymous();

        var seen = (await anonymous.GetFromJsonAsync<FileResponse>($"files/{shared.Id}?ns={ns}"))!;
        Assert.Equal((shared.Id, true), (seen.Id, seen.Public));
        Assert.Equal(Text, await anonymous.GetByteArrayAsync($"files/{shared.Id}/content?ns={ns}"));
        Assert.NotNull(seen.Url); // the short-lived read URL works without the API
        using var direct = new HttpClient();
        Assert.Equal(Text, await direct.GetByteArrayAsync(seen.Url));

        // A private file and a missing one answer the same challenge, so an anonymous caller learns nothing.
        foreach (var path in new[] { $"files/{secret.Id}?ns={ns}", $"files/{secret.Id}/content?ns={ns}", $"files/{new string('0', 32)}?ns={ns}", $"files/{shared.Id}" })
        {
            using var refused = await anonymous.GetAsync(path);
            await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Equal("Bearer", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        }

        // The header is no way in for an anonymous caller in this app; the query is.
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, $"files/{shared.Id}") { Headers = { { "X-Hit-Namespace", ns } } };
        await AssertProblemAsync(await anonymous.SendAsync(byHeader), HttpStatusCode.Unauthorized, "namespace_requires_token", "X-Hit-Namespace");
        await AssertProblemAsync(await anonymous.GetAsync($"files/{shared.Id}?ns=Not_Valid"), HttpStatusCode.BadRequest, "invalid_namespace", "ns");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"files/{shared.Id}?ns={ns}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PatchAsJsonAsync($"files/{shared.Id}?ns={ns}", new UpdateFileRequest(false))).StatusCode);
        Assert.True((await owner.GetFromJsonAsync<FileResponse>($"files/{shared.Id}"))!.Public);
        Assert.Equal(2, (await TestBlobs.ListAsync("uploads", $"{ns}/")).Count);
    }

    [Theory]
    [InlineData("POST", "files/upload")]
    [InlineData("POST", "files/upload-url")]
    [InlineData("POST", "files/0123456789abcdef0123456789abcdef/complete")]
    [InlineData("PATCH", "files/0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "files/0123456789abcdef0123456789abcdef")]
    [InlineData("POST", "categories")]
    [InlineData("GET", "categories")]
    [InlineData("GET", "categories/0123456789abcdef0123456789abcdef")]
    [InlineData("PUT", "categories/0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "categories/0123456789abcdef0123456789abcdef")]
    public async Task WithoutAToken_WritesAndCategories_Are401_WithTheBearerChallenge(string method, string path)
    {
        using var anonymous = app.Anonymous();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (path == "files/upload")
        {
            request.Content = Multipart.Upload(Text, "x.txt", "text/plain");
        }
        else if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = JsonContent.Create(new { name = "x.bin", title = "x", @public = true });
        }

        using var response = await anonymous.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task AnonymousUpload_StoresNothing()
    {
        // The refusal comes before the body is read: a stored blob would show under the default namespace's bucket.
        using var anonymous = app.Anonymous();
        var marker = Guid.NewGuid().ToString("N") + ".txt";
        using var response = await anonymous.PostAsync("files/upload", Multipart.Upload(Text, marker, "text/plain"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // A later upload by a user of the default namespace proves the store answers; the refused one left no blob.
        using var user = app.Client("default");
        var later = await UploadAsync(user, name: marker);
        var blobs = await TestBlobs.ListAsync("uploads", "default/chat-bucket/");
        Assert.Equal([$"default/chat-bucket/{later.Id}/{marker}"], blobs.Where(b => b.EndsWith("/" + marker, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Owner_SharesAndUnsharesAFile_WithPatch()
    {
        var ns = FilesApp.NewNamespace();
        using var owner = app.Client(ns);
        using var anonymous = app.Anonymous();
        var file = await UploadAsync(owner);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"files/{file.Id}?ns={ns}")).StatusCode);

        using var shared = await owner.PatchAsJsonAsync($"files/{file.Id}", new UpdateFileRequest(true));
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        Assert.True((await shared.Content.ReadFromJsonAsync<FileResponse>())!.Public);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"files/{file.Id}?ns={ns}")).StatusCode);

        using var unshared = await owner.PatchAsJsonAsync($"files/{file.Id}", new UpdateFileRequest(false));
        Assert.False((await unshared.Content.ReadFromJsonAsync<FileResponse>())!.Public);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"files/{file.Id}?ns={ns}")).StatusCode);
    }

    [Fact]
    public async Task BadSharingInput_Is400NamingPublic_AndChangesNothing()
    {
        var ns = FilesApp.NewNamespace();
        using var owner = app.Client(ns);
        var file = await UploadAsync(owner);

        await AssertProblemAsync(await owner.PatchAsJsonAsync($"files/{file.Id}", new { }), HttpStatusCode.BadRequest, "validation_failed", "public");
        await AssertProblemAsync(await owner.PostAsync("files/upload", Multipart.Upload(Text, "y.txt", "text/plain", null, "maybe")),
            HttpStatusCode.BadRequest, "validation_failed", "public");

        Assert.False((await owner.GetFromJsonAsync<FileResponse>($"files/{file.Id}"))!.Public);
        Assert.Equal([$"{ns}/chat-bucket/{file.Id}/note.txt"], await TestBlobs.ListAsync("uploads", $"{ns}/"));
    }

    [Fact]
    public async Task UploadUrl_RecordsTheOwnerAndSharing_AndOnlyTheOwnerCompletes()
    {
        var ns = FilesApp.NewNamespace();
        using var owner = app.Client(ns, "alice");
        using var other = app.Client(ns, "bob");
        using var issued = await owner.PostAsJsonAsync("files/upload-url", new UploadUrlRequest("doc.txt", Public: true));
        var upload = (await issued.Content.ReadFromJsonAsync<UploadUrlResponse>())!;

        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"files/{upload.Id}/complete", null)).StatusCode);
        using var completed = await owner.PostAsync($"files/{upload.Id}/complete", null);
        Assert.Equal(HttpStatusCode.Conflict, completed.StatusCode); // nothing uploaded yet: the owner got past the check
        Assert.True((await other.GetFromJsonAsync<FileResponse>($"files/{upload.Id}"))!.Public);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        }
    }
}
