using System.Security.Cryptography;
using System.Text;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hit.Platform.Tests.Worker;

/// <summary>Hit access tokens on worker apps: JwtBearer with the rules of HitTokenValidator.</summary>
public sealed class WorkerAuthenticationTests : IDisposable
{
    private readonly WorkerTestHost _app = WorkerTestHost.Create();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task NoToken_IsAnonymous_AndTheHeaderNamesTheNamespace()
    {
        var http = _app.Request(ns: "tenant-b");

        Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(http));
        Assert.Null(WorkerTenancyMiddleware.Resolve(http, "default"));

        Assert.False(http.User.Identity?.IsAuthenticated);
        Assert.Equal("tenant-b", http.Features.Get<TenantNamespace>().Value);
    }

    [Fact]
    public async Task ValidToken_AuthenticatesTheCaller_AndItsNamespaceWinsOverTheHeader()
    {
        var http = _app.Request(Tokens.Sign(Tokens.Valid(ns: "tenant-a"), _app.Keys.Current), ns: "tenant-b");

        Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(http));
        Assert.Null(WorkerTenancyMiddleware.Resolve(http, "default"));

        Assert.Equal(new HitUser("user-1", "tenant-a", "a@example.com", "session-1"), HitUser.From(http.User));
        Assert.Equal("tenant-a", http.Features.Get<TenantNamespace>().Value);
    }

    private static readonly Dictionary<string, Func<TestKeys, string>> Refused = new()
    {
        { "expired", k => Sign(k, d => { d.NotBefore = DateTime.UtcNow.AddHours(-2); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddHours(-1); }) },
        { "not yet valid", k => Sign(k, d => { d.NotBefore = DateTime.UtcNow.AddHours(1); d.Expires = DateTime.UtcNow.AddHours(2); }) },
        { "other issuer", k => Sign(k, d => d.Issuer = "https://evil.example") },
        { "other audience", k => Sign(k, d => d.Audience = "someone-else") },
        { "id token, not an access token", k => Sign(k, d => d.TokenType = "JWT") },
        { "no sid", k => Sign(k, d => d.Claims.Remove("sid")) },
        { "invalid namespace", k => Sign(k, d => d.Claims["ns"] = "Not/A/Namespace") },
        { "signed by an unknown key", _ => ForeignKey("forged") },
        { "signed by another key under a known kid", _ => ForeignKey("key-1") },
        { "HS256 with the public key as secret", k => Tokens.Sign(Tokens.Valid(), new SymmetricSecurityKey(PublicKeyBytes(k)) { KeyId = "key-1" }, SecurityAlgorithms.HmacSha256) },
        { "alg none", _ => Raw("""{"alg":"none","typ":"at+jwt","kid":"key-1"}""") + "." },
        { "tampered payload", k => Tamper(Tokens.Sign(Tokens.Valid(), k.Current)) },
        { "garbage", _ => "x.y.z" },
        { "oversized", k => Sign(k, d => d.Claims["pad"] = new string('a', HitTokenValidator.MaxTokenLength)) },
    };

    public static TheoryData<string> RefusedTokens => [.. Refused.Keys];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task RefusedToken_Is401Problem_NeverAnonymous(string reason)
    {
        var http = _app.Request(Refused[reason](_app.Keys), ns: "tenant-b");

        var refusal = await WorkerAuthenticationMiddleware.AuthenticateAsync(http);

        Assert.True(refusal is not null, reason);
        var problem = await WorkerTestHost.ExecuteAsync(refusal, http);
        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        Assert.Equal(ProblemCodes.Unauthorized, (string?)problem["code"]);
        Assert.Equal("Bearer error=\"invalid_token\"", http.Response.Headers.WWWAuthenticate.ToString());
        Assert.False(http.User.Identity?.IsAuthenticated, reason);
    }

    [Theory]
    [InlineData("other issuer", "The token's issuer is not accepted.")]
    [InlineData("expired", "The token is expired or not valid yet.")]
    [InlineData("no sid", "The token has no 'sid' claim.")]
    [InlineData("signed by an unknown key", "The token's signing key is unknown.")]
    [InlineData("signed by another key under a known kid", "The token signature is invalid.")]
    [InlineData("garbage", "The token is not a JWT.")]
    [InlineData("oversized", "The token is not a JWT.")]
    public async Task RefusedToken_ProblemSaysWhy_WithoutQuotingTheToken(string reason, string detail)
    {
        var http = _app.Request(Refused[reason](_app.Keys));

        var problem = await WorkerTestHost.ExecuteAsync((await WorkerAuthenticationMiddleware.AuthenticateAsync(http))!, http);

        Assert.Equal(detail, (string?)problem["detail"]);
    }

    [Fact]
    public async Task NewKeyId_IsFetchedOnce_AndValidatesInTheSameRequest()
    {
        Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(_app.Request(Tokens.Sign(Tokens.Valid(), _app.Keys.Current))));
        var fetches = _app.Keys.Fetches;

        var rotated = _app.Keys.Add("key-2");
        var http = _app.Request(Tokens.Sign(Tokens.Valid(), rotated));

        Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(http));
        Assert.True(http.User.Identity?.IsAuthenticated);
        Assert.Equal(fetches + 1, _app.Keys.Fetches);
    }

    [Fact]
    public async Task KnownKeyId_IsNotFetchedAgain()
    {
        var token = Tokens.Sign(Tokens.Valid(), _app.Keys.Current);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(_app.Request(token)));
        }

        Assert.Equal(1, _app.Keys.Fetches);
    }

    [Fact]
    public async Task OtherAlgorithm_DoesNotCostAJwksFetch()
    {
        var http = _app.Request(Tokens.Sign(Tokens.Valid(), new SymmetricSecurityKey(new byte[32]) { KeyId = "forged" }, SecurityAlgorithms.HmacSha256));

        Assert.NotNull(await WorkerAuthenticationMiddleware.AuthenticateAsync(http));
        Assert.Equal(0, _app.Keys.Fetches);
    }

    [Fact]
    public async Task AppWithoutHitAuthSettings_Starts_AndRefusesEveryToken()
    {
        using var app = WorkerTestHost.Create(settings: new Dictionary<string, string?>());
        Assert.Empty(app.Services.GetRequiredService<IOptions<HitJwtOptions>>().Value.Issuer);
        var http = app.Request(Tokens.Sign(Tokens.Valid(), app.Keys.Current), ns: "tenant-b");

        var refusal = await WorkerAuthenticationMiddleware.AuthenticateAsync(http);

        Assert.NotNull(refusal);
        Assert.Equal(0, app.Keys.Fetches);
        Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(app.Request()));
    }

    [Fact]
    public void HalfConfiguredHitAuth_FailsOptionsValidation()
    {
        using var app = WorkerTestHost.Create(settings: new Dictionary<string, string?> { ["HitAuth:JwksUrl"] = "http://auth.internal/.well-known/jwks.json" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<HitJwtOptions>>().Value);

        Assert.Contains("Issuer", error.Message, StringComparison.Ordinal);
    }

    private static string Sign(TestKeys keys, Action<SecurityTokenDescriptor> change)
    {
        var descriptor = Tokens.Valid();
        change(descriptor);
        return Tokens.Sign(descriptor, keys.Current);
    }

    private static string ForeignKey(string kid)
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Tokens.Sign(Tokens.Valid(), new ECDsaSecurityKey(attacker) { KeyId = kid });
    }

    private static byte[] PublicKeyBytes(TestKeys keys) => keys.Current.ECDsa.ExportSubjectPublicKeyInfo();

    private static string Raw(string header) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header)) + "."
        + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("""{"iss":"https://auth.hit.test","aud":"hit","sub":"u","ns":"tenant-a","sid":"s","exp":4102444800}"""));

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("tenant-a", "tenant-b", StringComparison.Ordinal);
        return parts[0] + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];
    }
}
