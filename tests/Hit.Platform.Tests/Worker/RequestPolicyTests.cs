using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hit.Platform.Errors;
using Hit.Platform.Worker;

namespace Hit.Platform.Tests.Worker;

/// <summary>
/// The platform's one request policy, through the real worker under the local host (and its gateway): 405 with
/// <c>Allow</c>, 415 with the accepted type, body caps refused before parsing, unreadable JSON naming the field,
/// links that include the gateway prefix.
/// </summary>
public sealed class RequestPolicyTests(PlatformAppFixture app) : IClassFixture<PlatformAppFixture>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A body without Content-Length (HTTP/1.1 chunked), so the cap must hold while reading.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 8192)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(8192, bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    private static byte[] JsonOfSize(int bytes) => Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', bytes - 11) + "\"}");

    [Fact]
    public async Task KnownPath_WrongMethod_Is405_WithAllow()
    {
        using var response = await app.Client.DeleteAsync("/echo");

        var problem = await PlatformAppTests.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, ProblemCodes.MethodNotAllowed);
        Assert.Equal(["OPTIONS", "POST", "PUT"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Contains("DELETE", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteParameters_AndConstraints_DecideWhatIsKnown()
    {
        // /things is POST only; /things/1 is no route at all (the template has no parameter): 405 vs 404.
        using var known = await app.Client.GetAsync("/things");
        using var unknown = await app.Client.GetAsync("/things/1");

        await PlatformAppTests.AssertProblemAsync(known, HttpStatusCode.MethodNotAllowed, ProblemCodes.MethodNotAllowed);
        await PlatformAppTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, ProblemCodes.NotFound);
    }

    [Fact]
    public async Task Options_OnAKnownPath_Is204WithAllow_AndOnAnUnknownPath404()
    {
        using var known = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/whoami"));
        using var unknown = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/nothing"));

        Assert.Equal(HttpStatusCode.NoContent, known.StatusCode);
        Assert.Equal(["GET", "OPTIONS"], known.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AnExpiredOrForeignToken_DoesNotTurnA404IntoA401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nothing");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");

        using var response = await app.Client.SendAsync(request);

        await PlatformAppTests.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemCodes.NotFound);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task NotJson_Is415_NamingTheAcceptedType(string? contentType)
    {
        var content = new ByteArrayContent("{\"name\":\"x\"}"u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await app.Client.PostAsync("/echo", content);

        var problem = await PlatformAppTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_body");
        Assert.Equal("Content-Type", (string?)problem["field"]);
        Assert.Equal("application/json", response.Headers.GetValues("Accept-Post").Single());
    }

    [Theory]
    [InlineData("{\"name\": 12}", "name")]
    [InlineData("{\"items\": [{\"count\": 1}, {\"count\": \"two\"}]}", "items[1].count")]
    [InlineData("{\"items\": {\"count\": 1}}", "items")]
    [InlineData("{\"name\": \"x\",", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("{\"name\": \"x\"} trailing", "body")]
    public async Task UnreadableJson_Is400_NamingTheJsonPath(string json, string field)
    {
        using var response = await app.Client.PostAsync("/echo", Json(json));

        var problem = await PlatformAppTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Equal(field, (string?)problem["field"]);
        // The reason, not .NET's exception text (which names CLR types).
        Assert.DoesNotContain("System.", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadableJson_IsEchoed()
    {
        using var response = await app.Client.PostAsync("/echo", Json("{\"name\":\"x\",\"items\":[{\"count\":2}]}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (int?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]![0]!["count"]);
    }

    [Fact]
    public async Task BodyOverTheDefaultCap_Is413_WithOrWithoutContentLength()
    {
        var body = JsonOfSize(70 * 1024);

        using var declared = await app.Client.PostAsync("/echo", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        var chunked = new ChunkedContent(body);
        chunked.Headers.ContentType = new("application/json");
        using var streamed = await app.Client.PostAsync("/echo", chunked);

        var problem = await PlatformAppTests.AssertProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.PayloadTooLarge);
        Assert.Equal("body", (string?)problem["field"]);
        await PlatformAppTests.AssertProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.PayloadTooLarge);
        // Just under the cap is read.
        using var fits = await app.Client.PostAsync("/echo", Json(Encoding.UTF8.GetString(JsonOfSize(60 * 1024))));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task DeclaredCap_IsTheFunctionsOwn_AndHoldsForChunkedBodies()
    {
        using var under = await app.Client.PostAsync("/count", new ByteArrayContent(new byte[200 * 1024]));
        using var over = await app.Client.PostAsync("/count", new ByteArrayContent(new byte[300 * 1024]));
        using var overChunked = await app.Client.PostAsync("/count", new ChunkedContent(new byte[300 * 1024]));

        Assert.Equal(HttpStatusCode.OK, under.StatusCode);
        Assert.Equal(200 * 1024, (long?)JsonNode.Parse(await under.Content.ReadAsStringAsync())!["bytes"]);
        var problem = await PlatformAppTests.AssertProblemAsync(over, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.PayloadTooLarge);
        Assert.Contains((256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)problem["detail"], StringComparison.Ordinal);
        await PlatformAppTests.AssertProblemAsync(overChunked, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.PayloadTooLarge);
    }

    [Fact]
    public async Task Location_IncludesTheGatewayPrefix_AndAClientCannotChooseIt()
    {
        using var direct = await app.Client.PostAsync("/things", null);
        using var proxied = await app.GatewayClient.PostAsync("things", null);
        using var spoofed = new HttpRequestMessage(HttpMethod.Post, "things");
        spoofed.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", "/evil");
        using var spoofedResponse = await app.GatewayClient.SendAsync(spoofed);

        Assert.Equal("/things/1", direct.Headers.Location?.OriginalString);
        Assert.Equal("/platformapp/things/1", proxied.Headers.Location?.OriginalString);
        Assert.Equal("/platformapp/things/1", spoofedResponse.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task OpenApiServers_AreWhereTheClientCalledFrom()
    {
        using var direct = await app.Client.GetAsync("/openapi/v1.json");
        using var proxied = await app.GatewayClient.GetAsync("openapi/v1.json");

        Assert.Equal("/", (string?)JsonNode.Parse(await direct.Content.ReadAsStringAsync())!["servers"]![0]!["url"]);
        Assert.Equal("/platformapp", (string?)JsonNode.Parse(await proxied.Content.ReadAsStringAsync())!["servers"]![0]!["url"]);
    }

    [Fact]
    public void AppRoutes_ReadTheBuildsFunctionsMetadata_WithoutTheFallback()
    {
        using var services = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(new Microsoft.Extensions.DependencyInjection.ServiceCollection());
        var routes = AppRoutes.Load(PlatformAppFixture.AppRoot, services, FallbackFunctions.FunctionName);

        Assert.Contains(routes.Routes, r => r.Function == "Echo" && r.Template == "echo" && r.Methods.SequenceEqual(["POST", "PUT"]));
        Assert.DoesNotContain(routes.Routes, r => r.Function == FallbackFunctions.FunctionName);
    }
}
