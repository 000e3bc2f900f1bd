using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hit.Contracts.Directory;

namespace Hit.Directory.Tests;

/// <summary>Attacks on the request signature: each must end in 401 with a stable code, in the seed's envelope.</summary>
[Collection(DirectoryCollection.Name)]
public sealed class SignatureTests(DirectoryFactory factory)
{
    private const string Secret = DirectoryFactory.Secret;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private HttpClient Raw() => factory.CreateClient();

    private static HttpRequestMessage V1(HttpMethod method, string path, long timestamp, string secret = Secret)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Sign(secret, RequestSignature.V1String(method.Method, path, timestamp)));
        return request;
    }

    /// <summary>A v2-signed request; the signed parts can differ from what is sent, to forge tampering.</summary>
    private static HttpRequestMessage V2(HttpMethod method, string path, string? body = null, string? ns = null, string secret = Secret,
        long? timestamp = null, string? nonce = null, string? signedPathAndQuery = null, string? signedBody = null, string? signedNamespace = null)
    {
        var ts = timestamp ?? Now;
        nonce ??= Guid.NewGuid().ToString("N");
        var signedTarget = new Uri("http://x" + (signedPathAndQuery ?? path));
        var bodyHash = RequestSignature.BodyHash(Encoding.UTF8.GetBytes(signedBody ?? body ?? ""));
        var toSign = RequestSignature.V2String(method.Method, signedTarget.AbsolutePath, signedTarget.Query, ts, nonce, signedNamespace ?? ns, bodyHash);
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (ns is not null)
        {
            request.Headers.Add(RequestSignature.NamespaceHeader, ns);
        }

        request.Headers.Add(RequestSignature.VersionHeader, "2");
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Sign(secret, toSign));
        return request;
    }

    private async Task AssertRefused(HttpRequestMessage request, string code, HttpStatusCode status = HttpStatusCode.Unauthorized)
    {
        using var response = await Raw().SendAsync(request);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(status, response.StatusCode);
        Assert.False((bool)body["success"]!);
        Assert.Equal(code, (string?)body["error"]!["code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["error"]!["message"]));
    }

    private async Task<HttpStatusCode> Status(HttpRequestMessage request)
    {
        using var response = await Raw().SendAsync(request);
        return response.StatusCode;
    }

    private static string UnknownEmailPath() => $"/users/email/nobody-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task ValidV1AndV2_PassAuthentication()
    {
        Assert.Equal(HttpStatusCode.NotFound, await Status(V1(HttpMethod.Get, UnknownEmailPath(), Now)));
        Assert.Equal(HttpStatusCode.NotFound, await Status(V2(HttpMethod.Get, UnknownEmailPath())));
    }

    [Fact]
    public async Task MissingHeaders_Return401SignatureMissing()
    {
        await AssertRefused(new HttpRequestMessage(HttpMethod.Get, "/users/"), "signature_missing");
        var onlyTimestamp = new HttpRequestMessage(HttpMethod.Get, "/users/");
        onlyTimestamp.Headers.Add(RequestSignature.TimestampHeader, Now.ToString(CultureInfo.InvariantCulture));
        await AssertRefused(onlyTimestamp, "signature_missing");
        var signed = V1(HttpMethod.Get, "/users/", Now);
        signed.Headers.Remove(RequestSignature.TimestampHeader);
        await AssertRefused(signed, "signature_missing");
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86400)]
    public async Task TimestampOutsideWindow_Returns401(int offsetSeconds)
    {
        await AssertRefused(V1(HttpMethod.Get, UnknownEmailPath(), Now + offsetSeconds), "timestamp_out_of_window");
        await AssertRefused(V2(HttpMethod.Get, UnknownEmailPath(), timestamp: Now + offsetSeconds), "timestamp_out_of_window");
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("+1700000000")]
    [InlineData("1.7e9")]
    [InlineData("-5")]
    public async Task MalformedTimestamp_Returns401TimestampInvalid(string timestamp)
    {
        var request = V1(HttpMethod.Get, "/users/", Now);
        request.Headers.Remove(RequestSignature.TimestampHeader);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp);
        await AssertRefused(request, "timestamp_invalid");
    }

    [Fact]
    public async Task WrongSecret_Returns401SignatureInvalid()
    {
        await AssertRefused(V1(HttpMethod.Get, UnknownEmailPath(), Now, secret: "an-attacker-guessed-this-secret"), "signature_invalid");
        await AssertRefused(V2(HttpMethod.Get, UnknownEmailPath(), secret: "an-attacker-guessed-this-secret"), "signature_invalid");
    }

    [Fact]
    public async Task RotatedSecret_IsAcceptedNextToTheCurrentOne()
    {
        Assert.Equal(HttpStatusCode.NotFound, await Status(V1(HttpMethod.Get, UnknownEmailPath(), Now, DirectoryFactory.RotatedSecret)));
        Assert.Equal(HttpStatusCode.NotFound, await Status(V2(HttpMethod.Get, UnknownEmailPath(), secret: DirectoryFactory.RotatedSecret)));
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("00")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000")]
    public async Task MalformedSignature_Returns401SignatureInvalid(string signature)
    {
        var request = V1(HttpMethod.Get, "/users/", Now);
        request.Headers.Remove(RequestSignature.SignatureHeader);
        request.Headers.Add(RequestSignature.SignatureHeader, signature);
        await AssertRefused(request, "signature_invalid");
    }

    [Fact]
    public async Task SignatureInUppercaseHex_IsAccepted()
    {
        var path = UnknownEmailPath();
        var ts = Now;
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(RequestSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Sign(Secret, RequestSignature.V1String("GET", path, ts)).ToUpperInvariant());
        Assert.Equal(HttpStatusCode.NotFound, await Status(request));
    }

    [Fact]
    public async Task V1_SignatureForAnotherPathOrMethod_Returns401()
    {
        var ts = Now;
        var forOtherPath = V1(HttpMethod.Get, "/users/email/a@example.com", ts);
        var tampered = new HttpRequestMessage(HttpMethod.Get, "/users/email/b@example.com");
        foreach (var header in forOtherPath.Headers)
        {
            tampered.Headers.Add(header.Key, header.Value);
        }

        await AssertRefused(tampered, "signature_invalid");
        var forGet = V1(HttpMethod.Get, "/users/" + Guid.NewGuid().ToString("N"), ts);
        var asDelete = new HttpRequestMessage(HttpMethod.Delete, forGet.RequestUri);
        foreach (var header in forGet.Headers)
        {
            asDelete.Headers.Add(header.Key, header.Value);
        }

        await AssertRefused(asDelete, "signature_invalid");
    }

    [Fact]
    public async Task V2_ModifiedBodyPathQueryOrNamespace_Returns401()
    {
        var body = """{"guild_id":"g1","page_size":5}""";
        await AssertRefused(V2(HttpMethod.Post, "/users/query", body, signedBody: """{"guild_id":"g2","page_size":5}"""), "signature_invalid");
        await AssertRefused(V2(HttpMethod.Get, "/users/email/victim@example.com", signedPathAndQuery: "/users/email/attacker@example.com"), "signature_invalid");
        await AssertRefused(V2(HttpMethod.Get, "/users/?page_size=100", signedPathAndQuery: "/users/?page_size=1"), "signature_invalid");
        await AssertRefused(V2(HttpMethod.Get, UnknownEmailPath(), ns: "tenant-b", signedNamespace: "tenant-a"), "signature_invalid");
    }

    [Fact]
    public async Task V2_QueryOrderAndEscaping_DoNotMatter()
    {
        var sent = V2(HttpMethod.Get, "/users/?cursor=&page_size=3", signedPathAndQuery: "/users/?page_size=3&cursor=");
        Assert.Equal(HttpStatusCode.OK, await Status(sent));
        var escaped = V2(HttpMethod.Get, "/users/email/%6Eobody%40example.com", signedPathAndQuery: "/users/email/nobody@example.com");
        Assert.Equal(HttpStatusCode.NotFound, await Status(escaped));
    }

    [Fact]
    public async Task Replays_Return401SignatureReplayed()
    {
        var nonce = Guid.NewGuid().ToString("N");
        var ts = Now;
        var path = UnknownEmailPath();
        Assert.Equal(HttpStatusCode.NotFound, await Status(V2(HttpMethod.Get, path, timestamp: ts, nonce: nonce)));
        await AssertRefused(V2(HttpMethod.Get, path, timestamp: ts, nonce: nonce), "signature_replayed");

        var v1Path = UnknownEmailPath();
        Assert.Equal(HttpStatusCode.NotFound, await Status(V1(HttpMethod.Get, v1Path, ts)));
        await AssertRefused(V1(HttpMethod.Get, v1Path, ts), "signature_replayed");
    }

    [Fact]
    public async Task Replay_OfAForgedSignature_DoesNotBurnTheNonce()
    {
        var nonce = Guid.NewGuid().ToString("N");
        var ts = Now;
        await AssertRefused(V2(HttpMethod.Get, "/users/", timestamp: ts, nonce: nonce, secret: "forged-secret-forged-secret"), "signature_invalid");
        Assert.Equal(HttpStatusCode.OK, await Status(V2(HttpMethod.Get, "/users/", timestamp: ts, nonce: nonce)));
    }

    [Fact]
    public async Task ConcurrentReplays_OnlyOneGetsThrough()
    {
        var nonce = Guid.NewGuid().ToString("N");
        var ts = Now;
        var path = UnknownEmailPath();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Status(V2(HttpMethod.Get, path, timestamp: ts, nonce: nonce))));

        Assert.Single(statuses, s => s == HttpStatusCode.NotFound);
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task V2_WithoutNonce_Returns401NonceInvalid()
    {
        var request = V2(HttpMethod.Get, "/users/");
        request.Headers.Remove(RequestSignature.NonceHeader);
        await AssertRefused(request, "nonce_invalid");
    }

    [Fact]
    public async Task UnknownVersion_Returns401VersionUnsupported()
    {
        var request = V1(HttpMethod.Get, "/users/", Now);
        request.Headers.Add(RequestSignature.VersionHeader, "3");
        await AssertRefused(request, "signature_version_unsupported");
    }

    [Fact]
    public async Task NamespaceAcceptingOnlyV2_RefusesV1()
    {
        var v1 = V1(HttpMethod.Get, "/users/", Now);
        v1.Headers.Add(RequestSignature.NamespaceHeader, DirectoryFactory.V2OnlyNamespace);
        await AssertRefused(v1, "signature_version_not_accepted");

        Assert.Equal(HttpStatusCode.OK, await Status(V2(HttpMethod.Get, "/users/", ns: DirectoryFactory.V2OnlyNamespace)));
    }

    [Fact]
    public async Task SignedBodyOverTheLimit_Returns413()
    {
        var big = "{\"real_name\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";
        await AssertRefused(V2(HttpMethod.Post, "/users/query", big), "payload_too_large", HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task EveryUserRoute_RequiresASignature()
    {
        var id = Guid.NewGuid().ToString("N");
        HttpRequestMessage[] requests =
        [
            new(HttpMethod.Post, "/users/") { Content = JsonContent.Create(new { }) },
            new(HttpMethod.Get, "/users/"),
            new(HttpMethod.Get, $"/users/{id}"),
            new(HttpMethod.Get, "/users/email/a@b.co"),
            new(HttpMethod.Get, "/users/discord/1/2"),
            new(HttpMethod.Put, $"/users/{id}") { Content = JsonContent.Create(new { }) },
            new(HttpMethod.Delete, $"/users/{id}"),
            new(HttpMethod.Post, "/users/query") { Content = JsonContent.Create(new { }) },
        ];
        foreach (var request in requests)
        {
            await AssertRefused(request, "signature_missing");
        }
    }

    [Fact]
    public async Task PublicEndpoints_NeedNoSignature()
    {
        using var client = Raw();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
    }
}
