using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Hit.Contracts.Files;
using Hit.LocalHost;
using Hit.Testing;

namespace Hit.Files.Tests.EndToEnd;

/// <summary>
/// An upload over the worker Kestrel's default 30 MB request-body cap, under a 40 MB <c>Files:MaxUploadBytes</c>: the
/// app raises the cap to its own limit, so the body reaches the function and is stored whole (streamed, chunked).
/// </summary>
public sealed class LargeUploadTests(LargeUploadTests.LargeLimitApp app) : IClassFixture<LargeUploadTests.LargeLimitApp>
{
    [Fact]
    public async Task Upload_Of34MB_ChunkedThroughTheHost_IsStoredWhole()
    {
        var ns = FilesApp.NewNamespace();
        using var client = app.Client(ns);
        var content = new byte[34 * 1024 * 1024];
        content.AsSpan().Fill((byte)'a');
        using var request = new HttpRequestMessage(HttpMethod.Post, "files/upload") { Content = Multipart.Upload(content, "big.txt", "text/plain") };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var file = (await response.Content.ReadFromJsonAsync<FileResponse>())!;
        Assert.Equal((content.LongLength, "text/plain", Convert.ToHexStringLower(SHA256.HashData(content))), (file.Size, file.ContentType, file.Sha256));
        Assert.Equal([$"{ns}/chat-bucket/{file.Id}/big.txt"], await TestBlobs.ListAsync("uploads", ns + "/"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"files/{file.Id}")).StatusCode);
    }

    /// <summary>The built app root under the local host with a 40 MB upload limit.</summary>
    public sealed class LargeLimitApp : IAsyncLifetime
    {
        private LocalFunctionsHost? _host;

        public HttpClient Client(string ns)
        {
            var client = new HttpClient { BaseAddress = _host!.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
            TestTokens.Authorize(client, ns, TestTokens.Owner);
            return client;
        }

        public async Task InitializeAsync()
        {
            _host = new LocalFunctionsHost(new LocalFunctionsHostOptions
            {
                AppRoot = TestStack.AppRoot("Files"),
                AppName = "files",
                Settings = new Dictionary<string, string?>(FilesApp.Settings())
                {
                    ["Files__MaxUploadBytes"] = (40L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            });
            await _host.StartAsync();
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }
    }
}
