using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hit.Contracts.Directory;
using Hit.Platform.Auth.Hmac;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Tests.Worker;

/// <summary>
/// HMAC request signatures on the worker: the verifier against a request as worker middleware sees it, the refusal it
/// writes, its settings, and which functions require a signature. The attacks end to end are Directory.Tests' SignatureTests.
/// </summary>
public sealed class WorkerHmacTests
{
    private const string Section = "Test:Hmac";
    private const string Secret = "worker-hmac-test-secret-0123456789";

    private static WorkerTestHost App(Action<Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder>? configure = null) =>
        WorkerTestHost.Create(configure: b =>
        {
            b.Configuration[$"{Section}:Secrets:0"] = Secret;
            b.Configuration[$"{Section}:MaxBodyBytes"] = "64";
            configure?.Invoke(b);
            b.AddHitHmacSignatures(Section);
        });

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static HttpContext SignedV1(WorkerTestHost app, string path = "/users/", long? timestamp = null)
    {
        var http = app.Request();
        http.Request.Path = path;
        var ts = timestamp ?? Now;
        http.Request.Headers[RequestSignature.TimestampHeader] = ts.ToString(CultureInfo.InvariantCulture);
        http.Request.Headers[RequestSignature.SignatureHeader] = RequestSignature.Sign(Secret, RequestSignature.V1String("GET", path, ts));
        return http;
    }

    private static HttpContext SignedV2(WorkerTestHost app, string body, string nonce, string method = "POST", string path = "/users/query")
    {
        var http = app.Request();
        http.Request.Method = method;
        http.Request.Path = path;
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = null;
        var ts = Now;
        http.Request.Headers[RequestSignature.VersionHeader] = "2";
        http.Request.Headers[RequestSignature.NonceHeader] = nonce;
        http.Request.Headers[RequestSignature.TimestampHeader] = ts.ToString(CultureInfo.InvariantCulture);
        http.Request.Headers[RequestSignature.SignatureHeader] = RequestSignature.Sign(Secret,
            RequestSignature.V2String(method, path, null, ts, nonce, null, RequestSignature.BodyHash(bytes)));
        return http;
    }

    private static HmacRequestVerifier Verifier(WorkerTestHost app) => app.Services.GetRequiredService<HmacRequestVerifier>();

    [Fact]
    public async Task Verify_ValidV1_SucceedsWithTheVersionClaim()
    {
        using var app = App();

        var result = await Verifier(app).VerifyAsync(SignedV1(app));

        Assert.True(result.Succeeded);
        Assert.Equal("1", result.Principal!.FindFirst(HmacRequestVerifier.VersionClaim)!.Value);
        Assert.True(result.Principal.Identity!.IsAuthenticated);
    }

    [Fact]
    public async Task Verify_ValidV2_LeavesTheBodyReadableForTheFunction()
    {
        using var app = App();
        var http = SignedV2(app, """{"guild_id":"g1"}""", Guid.NewGuid().ToString("N"));

        var result = await Verifier(app).VerifyAsync(http);

        Assert.True(result.Succeeded);
        Assert.Equal("""{"guild_id":"g1"}""", await new StreamReader(http.Request.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task Verify_NoHeaders_IsSignatureMissing()
    {
        using var app = App();

        var result = await Verifier(app).VerifyAsync(app.Request());

        Assert.Equal((HmacErrorCodes.SignatureMissing, StatusCodes.Status401Unauthorized), (result.Failure!.Code, result.Failure.Status));
    }

    [Fact]
    public async Task Verify_ReusedNonce_IsReplayed_ButAForgeryDoesNotBurnIt()
    {
        using var app = App();
        var nonce = Guid.NewGuid().ToString("N");
        var forged = SignedV2(app, "{}", nonce);
        forged.Request.Headers[RequestSignature.SignatureHeader] = new string('0', 64);

        Assert.Equal(HmacErrorCodes.SignatureInvalid, (await Verifier(app).VerifyAsync(forged)).Failure!.Code);
        Assert.True((await Verifier(app).VerifyAsync(SignedV2(app, "{}", nonce))).Succeeded);
        Assert.Equal(HmacErrorCodes.SignatureReplayed, (await Verifier(app).VerifyAsync(SignedV2(app, "{}", nonce))).Failure!.Code);
    }

    [Fact]
    public async Task Verify_StaleTimestamp_IsOutOfWindow()
    {
        using var app = App();

        var result = await Verifier(app).VerifyAsync(SignedV1(app, timestamp: Now - 301));

        Assert.Equal(HmacErrorCodes.TimestampOutOfWindow, result.Failure!.Code);
    }

    [Fact]
    public async Task Verify_BodyOverTheLimit_Is413()
    {
        using var app = App();

        var result = await Verifier(app).VerifyAsync(SignedV2(app, new string('x', 65), Guid.NewGuid().ToString("N")));

        Assert.Equal((HmacErrorCodes.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge), (result.Failure!.Code, result.Failure.Status));
    }

    [Fact]
    public async Task Refusal_WritesTheProblemWithItsCode_AndWwwAuthenticate()
    {
        using var app = App();
        var http = app.Request();
        var failure = (await Verifier(app).VerifyAsync(http)).Failure!;

        var problem = await WorkerTestHost.ExecuteAsync(new WorkerHmacMiddleware.HmacChallengeResult(failure), http);

        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        Assert.Equal("HMAC-SHA256", http.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal(HmacErrorCodes.SignatureMissing, (string?)problem["code"]);
    }

    [Theory]
    [InlineData(null, "needs at least one secret")]
    [InlineData("short", "at least 16 characters")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-abc123;SecretName=directory-hmac-secret-0)", "unresolved Key Vault reference")]
    public void Options_WithoutAUsableSecret_FailValidation(string? secret, string message)
    {
        using var app = WorkerTestHost.Create(configure: b =>
        {
            if (secret is not null)
            {
                b.Configuration[$"{Section}:Secrets:0"] = secret;
            }

            b.AddHitHmacSignatures(Section);
        });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<HmacAuthenticationOptions>>().Value);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_PerNamespaceVersions_OverrideTheDefault()
    {
        using var app = App(b => b.Configuration[$"{Section}:Namespaces:strict:AcceptedVersions:0"] = "2");

        var options = app.Services.GetRequiredService<IOptions<HmacAuthenticationOptions>>().Value;

        Assert.Equal([2], options.VersionsFor("strict"));
        Assert.Equal([1, 2], options.VersionsFor("default"));
    }

    [Theory]
    [InlineData(nameof(SignedClass) + "." + nameof(SignedClass.Any), true)]
    [InlineData(nameof(MixedClass) + "." + nameof(MixedClass.Signed), true)]
    [InlineData(nameof(MixedClass) + "." + nameof(MixedClass.Public), false)]
    [InlineData(nameof(MixedClass) + ".Missing", true)]
    [InlineData("NoSuchClass.Method", true)]
    public void SignedFunctions_FollowTheAttribute_AndFailClosed(string entryPoint, bool required)
    {
        var assembly = typeof(WorkerHmacTests).Assembly.Location;

        Assert.Equal(required, SignedFunctions.Resolve(assembly, typeof(WorkerHmacTests).Namespace + "." + entryPoint));
    }
}

[RequireHmacSignature]
internal sealed class SignedClass
{
    public static void Any()
    {
    }
}

internal sealed class MixedClass
{
    [RequireHmacSignature]
    public static void Signed()
    {
    }

    public static void Public()
    {
    }
}
