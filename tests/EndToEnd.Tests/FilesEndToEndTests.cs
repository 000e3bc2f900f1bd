using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace EndToEnd.Tests;

/// <summary>
/// Files behind the gateway with the auth app's real tokens: the owner reads and shares, another user of the namespace
/// and another namespace see nothing private, an anonymous caller reads a shared file by <c>?ns=</c> and nothing else.
/// </summary>
public sealed class FilesEndToEndTests(AuthenticatedPlatformFixture platform) : IClassFixture<AuthenticatedPlatformFixture>
{
    [Fact]
    public async Task RegisteredUsers_OwnTheirFiles_AndShareThemExplicitly_ThroughTheGateway()
    {
        var ns = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var (alice, _) = await platform.RegisterAsync(ns);
        var (bob, _) = await platform.RegisterAsync(ns);
        var (mallory, _) = await platform.RegisterAsync("e2e-" + Guid.NewGuid().ToString("N")[..12]);
        using var anonymous = new HttpClient { BaseAddress = platform.Gateway.BaseAddress };
        var content = Encoding.UTF8.GetBytes("alice's notes");

        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(content), "file", "notes.txt");
        using var upload = await alice.PostAsync("/files/files/upload", form);
        Assert.True(upload.StatusCode == HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        var id = (string)(await upload.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        Assert.Equal(content, await alice.GetByteArrayAsync($"/files/files/{id}/content"));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/files/files/{id}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/files/files/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/files/files/{id}?ns={ns}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/files/files/{id}")).StatusCode);

        using var shared = await alice.PatchAsJsonAsync($"/files/files/{id}", new { @public = true });
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);

        Assert.Equal(content, await bob.GetByteArrayAsync($"/files/files/{id}/content"));
        Assert.Equal(content, await anonymous.GetByteArrayAsync($"/files/files/{id}/content?ns={ns}"));
        // Still nobody else's to change, and another namespace's token cannot reach it even by naming the namespace.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/files/files/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mallory.GetAsync($"/files/files/{id}?ns={ns}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/files/files/{id}?ns={ns}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/files/files/{id}")).StatusCode);
    }
}
