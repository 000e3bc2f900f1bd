using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Http;

/// <summary>Forwarding mode (reference §3b): only declared routes, raw request in, raw response out, streamed.</summary>
public sealed class ForwardingTests : IAsyncLifetime
{
    private readonly AppRootBuilder _app = new();
    private HostHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _app.HttpFunction("Echo", "echo/{*rest}")
            .HttpFunction("GetOnly", "items/{id}", "get")
            .HttpFunction("Large", "large/{size}", "GET")
            .HttpFunction("UploadCount", "upload-count", "POST")
            .HttpFunction("Slow", "slow", "GET")
            .HttpFunction("Redirect", "redirect", "GET");
        _harness = await HostHarness.StartAsync(_app.Write());
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _app.Dispose();
    }

    [Fact]
    public async Task UndeclaredPath_Returns404()
    {
        using var response = await _harness.Client.GetAsync("/not-a-function");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The handler serves /_test/pid itself, but no function declares it.
        using var handlerRoute = await _harness.Client.GetAsync("/_test/pid");
        Assert.Equal(HttpStatusCode.NotFound, handlerRoute.StatusCode);
    }

    [Fact]
    public async Task DeclaredRouteWithUndeclaredMethod_Returns404()
    {
        using var get = await _harness.Client.GetAsync("/items/1");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        using var post = await _harness.Client.PostAsync("/items/1", new StringContent("x"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        using var delete = await _harness.Client.DeleteAsync("/items/1");
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task Forwarding_PreservesMethodPathQueryHeadersBinaryBodyAndStatus()
    {
        var body = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(Enumerable.Range(0, 256).Select(i => (byte)(255 - i))).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/echo/a%20b/c%2Fd?x=1&y=%2F&x=2&status=201")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-custom");
        request.Headers.Add("X-Custom", "custom-value");
        request.Headers.UserAgent.ParseAdd("forwarding-test/1.0");

        using var response = await _harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("PUT", Header(response, "X-Req-Method"));
        Assert.Equal("/echo/a%20b/c%2Fd?x=1&y=%2F&x=2&status=201", Header(response, "X-Req-Target"));
        Assert.Equal("custom-value", Header(response, "X-Req-X-Custom"));
        Assert.Equal("forwarding-test/1.0", Header(response, "X-Req-User-Agent"));
        Assert.Equal("application/x-custom", Header(response, "X-Req-Content-Type"));
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-Req-Content-Length"));
        Assert.True(Guid.TryParse(Header(response, "X-Req-X-Azure-Functions-InvocationId"), out _));
        Assert.False(string.IsNullOrEmpty(Header(response, "X-Req-X-Azure-Functions-HostVersion")));
        Assert.Equal("test-handler", Header(response, "X-Handler"));
        Assert.Equal(["a=1; Path=/", "b=2; Path=/"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("application/x-custom", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Forwarding_WithoutUserAgent_SendsFunctionsHostUserAgentAndClientHost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/ua");
        using var response = await _harness.Client.SendAsync(request);

        Assert.StartsWith("Azure-Functions-Host/", Header(response, "X-Req-User-Agent"));
        Assert.Equal(_harness.Host.BaseAddress.Authority, Header(response, "X-Req-Host"));
    }

    [Fact]
    public async Task Forwarding_DoesNotFollowRedirects()
    {
        using var response = await _harness.Client.GetAsync("/redirect");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/elsewhere", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Forwarding_LargeBodies_StreamBothWays()
    {
        const long size = 64L * 1024 * 1024;
        using (var download = await _harness.Client.GetAsync($"/large/{size}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            await using var stream = await download.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            long total = 0;
            int read;
            var patternHolds = true;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    patternHolds &= buffer[i] == (byte)(((total + i) % (64 * 1024)) % 251);
                }

                total += read;
            }

            Assert.Equal(size, total);
            Assert.True(patternHolds);
        }

        // Upload a body generated on the fly (chunked, never materialised) and compare the handler's hash.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/upload-count") { Content = new GeneratedContent(size, hash) };
        using var uploaded = await _harness.Client.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        Assert.Equal($"{size} {Convert.ToHexString(hash.GetHashAndReset())}", await uploaded.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forwarding_StreamsResponseBeforeHandlerFinishes()
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await _harness.Client.GetAsync("/slow", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);

        Assert.Equal("first", await reader.ReadLineAsync());
        // The handler holds the rest for 10 s unless released: seeing the first line early proves no buffering.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"first line took {stopwatch.Elapsed}");

        (await _harness.Handler.PostAsync("/_test/release", null)).EnsureSuccessStatusCode();
        Assert.Equal("second", await reader.ReadLineAsync());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Deterministic pseudo-random content of a given size, produced while sending.</summary>
    private sealed class GeneratedContent(long size, IncrementalHash hash) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            var random = new Random(42);
            for (long sent = 0; sent < size; sent += chunk.Length)
            {
                random.NextBytes(chunk);
                var count = (int)Math.Min(chunk.Length, size - sent);
                hash.AppendData(chunk, 0, count);
                await stream.WriteAsync(chunk.AsMemory(0, count));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
