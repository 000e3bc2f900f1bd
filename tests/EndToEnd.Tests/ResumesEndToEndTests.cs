using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hit.Contracts;
using Hit.LocalHost;
using Hit.LocalHost.Gateway;
using Hit.Testing;

namespace EndToEnd.Tests;

/// <summary>
/// Auth, Files and Resumes behind one gateway, as under <c>./hit run</c>: the auth app issues the tokens, and Files and
/// Resumes validate them against its JWKS fetched through the gateway (<c>/auth/.well-known/jwks.json</c>) — no test
/// keys anywhere on this path.
/// </summary>
public sealed class AuthenticatedPlatformFixture : IAsyncLifetime
{
    private readonly List<LocalFunctionsHost> _hosts = [];

    public LocalGateway Gateway { get; } = new(new LocalGatewayOptions { Port = 0 });

    public async Task InitializeAsync()
    {
        await Gateway.StartAsync();
        var gateway = Gateway.BaseAddress.AbsoluteUri.TrimEnd('/');
        var common = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-e2e")))
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["HitAuth__Issuer"] = gateway,
            ["HitAuth__Audience"] = "hit",
            ["HitAuth__JwksUrl"] = gateway + "/auth/.well-known/jwks.json",
        };
        await StartAsync("Auth", "auth", new Dictionary<string, string?>(common)
        {
            ["Auth__KeyEncryptionKey"] = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=",
            // Its own queue: nothing here sends mail, and the email app's tests own the default one.
            ["Auth__EmailQueue"] = "e2e-email-" + Guid.NewGuid().ToString("N")[..8],
            ["Auth__PublicBaseUrl"] = gateway + "/auth/",
        });
        // The files API only: the thumbnail trigger stays with the Files tests' own host on the shared Azurite.
        await StartAsync("Files", "files", new Dictionary<string, string?>(common) { ["AzureWebJobs.MakeThumbnail.Disabled"] = "true" });
        await StartAsync("Resumes", "resumes", new Dictionary<string, string?>(common) { ["Resumes__FilesBaseUrl"] = gateway + "/files/" });
    }

    /// <summary>A new account in <paramref name="ns"/>: a client through the gateway carrying its access token, and its user id.</summary>
    public async Task<(HttpClient Client, string UserId)> RegisterAsync(string ns)
    {
        var client = new HttpClient { BaseAddress = Gateway.BaseAddress };
        using var register = new HttpRequestMessage(HttpMethod.Post, "/auth/auth/register")
        {
            Content = JsonContent.Create(new { email = $"e2e-{Guid.NewGuid():N}@example.com", password = "correct horse battery" }),
        };
        register.Headers.Add("X-Hit-Namespace", ns);
        using var response = await client.SendAsync(register);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var tokens = (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.TokenResponse))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return (client, tokens.User.Id);
    }

    private async Task StartAsync(string folder, string name, IReadOnlyDictionary<string, string?> settings)
    {
        var host = new LocalFunctionsHost(new LocalFunctionsHostOptions { AppRoot = TestStack.AppRoot(folder), AppName = name, Settings = settings });
        _hosts.Add(host);
        await host.StartAsync();
        Gateway.AddApp(host);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

public sealed class ResumesEndToEndTests(AuthenticatedPlatformFixture platform) : IClassFixture<AuthenticatedPlatformFixture>
{
    [Fact]
    public async Task RegisteredUsers_CreateAttachPublishAndRead_ThroughTheGateway()
    {
        var ns = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var (alice, aliceId) = await platform.RegisterAsync(ns);
        var (bob, _) = await platform.RegisterAsync(ns);

        // The PDF goes to the Files app with alice's token: its namespace comes from the token, not a header.
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n")), "file", "cv.pdf");
        using var upload = await alice.PostAsync("/files/files/upload", form);
        Assert.True(upload.StatusCode == HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        var fileId = (string)(await upload.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        using var created = await alice.PostAsJsonAsync("/resumes/resumes", new { title = "E2E", skills = new[] { "Azure" }, attachment_file_id = fileId });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var resume = (await created.Content.ReadFromJsonAsync(HitJsonContext.Default.ResumeResponse))!;
        Assert.Equal(aliceId, resume.UserId);
        Assert.Equal(fileId, resume.AttachmentFileId);

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/resumes/resumes/{resume.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.PutAsJsonAsync($"/resumes/resumes/{resume.Id}", new { published = true })).StatusCode);
        var seenByBob = (await bob.GetFromJsonAsync($"/resumes/resumes/{resume.Id}", HitJsonContext.Default.ResumeResponse))!;
        Assert.Equal("E2E", seenByBob.Title);

        // A user of another namespace can neither link that file nor read the resume.
        var (mallory, _) = await platform.RegisterAsync("e2e-" + Guid.NewGuid().ToString("N")[..12]);
        using var foreign = await mallory.PostAsJsonAsync("/resumes/resumes", new { title = "Stolen CV", attachment_file_id = fileId });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal("attachment_not_found", (string?)(await foreign.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/resumes/resumes/{resume.Id}")).StatusCode);
    }
}
