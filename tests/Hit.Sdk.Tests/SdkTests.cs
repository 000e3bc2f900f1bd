using System.Net;
using Hit.Contracts.Directory;
using Hit.Sdk.Counters;
using Hit.Sdk.Directory;
using Hit.Sdk.Resumes;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Sdk.Tests;

public sealed class SdkTests
{
    private const string Secret = "sdk-tests-secret-0123456789";
    private const string UserJson = """{"success":true,"data":{"id":"0123456789abcdef0123456789abcdef","user_id":"u1","guild_id":"g1","real_name":"A","email":"a@b.co","phone_number":null,"date_of_birth":null,"profile":{},"namespace":"acme","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}}""";
    private const string PageJson = """{"success":true,"data":{"items":[],"next_cursor":null,"page_size":20}}""";

    private static HitClientOptions Options(string? secret = Secret) => new()
    {
        BaseAddress = new Uri("http://gateway.test/directory"),
        Namespace = "acme",
        HmacSecret = secret,
        Retry = { Delay = TimeSpan.FromMilliseconds(1) },
    };

    [Fact]
    public async Task GetUser_RetriesTransientFailures_AndSignsEachAttemptAfresh()
    {
        var wire = new RecordingHandler(
            RecordingHandler.Answer(HttpStatusCode.ServiceUnavailable, "{}"),
            _ => throw new HttpRequestException("connection reset"),
            RecordingHandler.Answer(HttpStatusCode.OK, UserJson));
        await using var client = DirectoryClient.Create(Options(), wire);

        var user = await client.GetUserByEmailAsync("a@b.co");

        Assert.Equal("u1", user.UserId);
        Assert.Equal(3, wire.Seen.Count);
        Assert.Equal(3, wire.Seen.Select(s => s.Headers["X-API-Nonce"]).Distinct().Count());
    }

    [Fact]
    public async Task CreateUser_IsNotRetried_ButQueryIs()
    {
        var createWire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.ServiceUnavailable, """{"success":false,"error":{"code":"database_unavailable","message":"down"}}"""));
        await using var create = DirectoryClient.Create(Options(), createWire);
        var queryWire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.BadGateway, ""), RecordingHandler.Answer(HttpStatusCode.OK, PageJson));
        await using var query = DirectoryClient.Create(Options(), queryWire);

        var error = await Assert.ThrowsAsync<HitApiException>(() => create.CreateUserAsync(new CreateUserRequest { Email = "a@b.co" }));
        await query.QueryUsersAsync(new UserQuery { GuildId = "g1" });

        Assert.Single(createWire.Seen);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "database_unavailable"), (error.StatusCode, error.Code));
        Assert.Equal(2, queryWire.Seen.Count);
    }

    [Fact]
    public async Task Signature_CoversThePathWithoutTheGatewayPrefix_AndTheBody()
    {
        var wire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.OK, PageJson));
        await using var client = DirectoryClient.Create(Options(), wire);

        await client.QueryUsersAsync(new UserQuery { GuildId = "g1" });

        var (request, headers, body) = Assert.Single(wire.Seen);
        Assert.Equal("/directory/users/query", request.RequestUri!.AbsolutePath);
        var expected = RequestSignature.Sign(Secret, RequestSignature.V2String("POST", "/users/query", "", long.Parse(headers["X-API-Timestamp"], System.Globalization.CultureInfo.InvariantCulture),
            headers["X-API-Nonce"], "acme", RequestSignature.BodyHash(System.Text.Encoding.UTF8.GetBytes(body))));
        Assert.Equal(expected, headers["X-API-Signature"]);
        Assert.Equal("2", headers["X-API-Signature-Version"]);
    }

    [Fact]
    public async Task V1Signature_IsTheSeedFormat()
    {
        var options = Options();
        options.SignatureVersion = 1;
        var wire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.OK, UserJson));
        await using var client = DirectoryClient.Create(options, wire);

        await client.GetUserByDiscordAsync("u1", "g1");

        var headers = Assert.Single(wire.Seen).Headers;
        Assert.Equal(RequestSignature.Sign(Secret, $"GET:/users/discord/u1/g1:{headers["X-API-Timestamp"]}"), headers["X-API-Signature"]);
        Assert.False(headers.ContainsKey("X-API-Signature-Version"));
    }

    [Fact]
    public async Task Errors_CarryTheServiceCode()
    {
        var wire = new RecordingHandler(
            RecordingHandler.Answer(HttpStatusCode.NotFound, """{"success":false,"error":{"code":"user_not_found","message":"No user matches."}}"""),
            RecordingHandler.Answer(HttpStatusCode.Conflict, """{"success":false,"error":{"code":"email_taken","message":"taken","field":"email"}}"""));
        await using var client = DirectoryClient.Create(Options(), wire);

        var notFound = await Assert.ThrowsAsync<HitNotFoundException>(() => client.GetUserAsync("x"));
        var conflict = await Assert.ThrowsAsync<HitConflictException>(() => client.CreateUserAsync(new CreateUserRequest()));

        Assert.Equal("user_not_found", notFound.Code);
        Assert.Equal(("email_taken", "email"), (conflict.Code, conflict.Field));
    }

    [Fact]
    public async Task CounterClient_ReadsProblemDetails_AndNonJsonErrors()
    {
        var wire = new RecordingHandler(
            RecordingHandler.Answer(HttpStatusCode.BadRequest, """{"type":"x","title":"Bad Request","status":400,"detail":"The counter id must be…","code":"validation_failed","field":"id"}"""),
            _ => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("<html>nope</html>") });
        var options = Options(secret: null);
        options.BaseAddress = new Uri("http://gateway.test/pingpong/");
        await using var counters = CounterClient.Create(options, wire);

        var invalid = await Assert.ThrowsAsync<HitValidationException>(() => counters.IncrementAsync("bad id"));
        var forbidden = await Assert.ThrowsAsync<HitForbiddenException>(() => counters.GetAsync("c1"));

        Assert.Equal(("validation_failed", "id", "The counter id must be…"), (invalid.Code, invalid.Field, invalid.Message));
        Assert.Equal("http_403", forbidden.Code);
        Assert.Equal("/pingpong/counter/bad%20id/increment", wire.Seen[0].Request.RequestUri!.AbsolutePath);
        Assert.False(wire.Seen[0].Headers.ContainsKey("X-API-Signature"));
    }

    [Fact]
    public async Task Cancellation_IsHonoured()
    {
        var wire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.OK, UserJson));
        await using var client = DirectoryClient.Create(Options(), wire);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetUserAsync("x", cancelled.Token));
    }

    [Fact]
    public async Task AddHitDirectoryClient_WiresBaseAddressNamespaceSigningAndBearerToken()
    {
        var wire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.OK, UserJson));
        var services = new ServiceCollection();
        services.AddHitDirectoryClient(o =>
        {
            o.BaseAddress = new Uri("http://gateway.test/directory/");
            o.Namespace = "acme";
            o.HmacSecret = Secret;
            o.AccessTokenProvider = _ => ValueTask.FromResult<string?>("token-1");
        }).ConfigurePrimaryHttpMessageHandler(() => wire);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<DirectoryClient>();
        await client.GetUserAsync("0123456789abcdef0123456789abcdef");

        var (request, headers, _) = Assert.Single(wire.Seen);
        Assert.Equal("http://gateway.test/directory/users/0123456789abcdef0123456789abcdef", request.RequestUri!.AbsoluteUri);
        Assert.Equal("acme", headers["X-Hit-Namespace"]);
        Assert.Equal("Bearer token-1", headers["Authorization"]);
        Assert.True(headers.ContainsKey("X-API-Signature"));
    }

    [Fact]
    public async Task ResumesClient_SendsOnlySetFields_AndTheVersion_AndDoesNotRetryCreate()
    {
        const string Resume = """{"id":"0123456789abcdef0123456789abcdef","user_id":"u1","title":"T","summary":"","skills":[],"experience":"","education":"","published":false,"attachment_file_id":null,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","etag":"\"v2\""}""";
        var wire = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.OK, Resume));
        var services = new ServiceCollection();
        services.AddHitResumesClient(o =>
        {
            o.BaseAddress = new Uri("http://gateway.test/resumes");
            o.AccessTokenProvider = _ => ValueTask.FromResult<string?>("token-1");
        }).ConfigurePrimaryHttpMessageHandler(() => wire);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ResumesClient>();

        var updated = await client.UpdateAsync("0123456789abcdef0123456789abcdef", new Contracts.Resumes.UpdateResumeRequest(Title: "T"), ifMatch: "\"v1\"");

        var (request, headers, body) = Assert.Single(wire.Seen);
        Assert.Equal("http://gateway.test/resumes/resumes/0123456789abcdef0123456789abcdef", request.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"title":"T"}""", body);
        Assert.Equal("\"v1\"", headers["If-Match"]);
        Assert.Equal("Bearer token-1", headers["Authorization"]);
        Assert.Equal("\"v2\"", updated.ETag);

        var down = new RecordingHandler(RecordingHandler.Answer(HttpStatusCode.ServiceUnavailable, "{}"));
        await using var creating = ResumesClient.Create(new HitClientOptions { BaseAddress = new Uri("http://gateway.test/resumes/"), Retry = { Delay = TimeSpan.FromMilliseconds(1) } }, down);
        await Assert.ThrowsAnyAsync<HitApiException>(() => creating.CreateAsync(new Contracts.Resumes.CreateResumeRequest("T")));
        Assert.Single(down.Seen);
    }
}
