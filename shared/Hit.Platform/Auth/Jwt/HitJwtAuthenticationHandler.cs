using System.Text.Encodings.Web;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Auth.Jwt;

public static class HitJwtDefaults
{
    public const string AuthenticationScheme = "HitJwt";

    /// <summary>The authorization policy behind <c>RequireUser()</c>.</summary>
    public const string UserPolicy = "HitUser";
}

/// <summary>Scheme options (nothing to set: validation settings live in <see cref="HitJwtOptions"/>).</summary>
public sealed class HitJwtAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>
/// <c>Authorization: Bearer &lt;Hit access token&gt;</c> → a principal with the token's claims. No header → no
/// result (anonymous endpoints still work); a bad token → failure, and a 401 problem when the endpoint requires a
/// user. Written when the JwtBearer package did not restore here; it stays for the custom-handler apps, while worker
/// apps use JwtBearer with the same rules (Worker/WorkerJwtBearer).
/// </summary>
internal sealed partial class HitJwtAuthenticationHandler(
    IOptionsMonitor<HitJwtAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    HitTokenValidator validator)
    : AuthenticationHandler<HitJwtAuthenticationOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header[BearerPrefix.Length..].Trim();
        var result = await validator.ValidateAsync(token, Context.RequestAborted).ConfigureAwait(false);
        if (!result.IsValid)
        {
            Log.TokenRejected(Logger, result.Error!);
            return AuthenticateResult.Fail(result.Error!);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new(result.Identity!), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure;
        Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized,
            failure?.Message ?? "A Hit access token is required (Authorization: Bearer …).").ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, ProblemCodes.Forbidden,
            "The token does not grant access to this namespace or resource.");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Bearer token rejected: {Reason}")]
        public static partial void TokenRejected(ILogger logger, string reason);
    }
}
