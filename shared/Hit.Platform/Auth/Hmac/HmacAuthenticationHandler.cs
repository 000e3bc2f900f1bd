using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Hit.Contracts.Directory;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Auth.Hmac;

/// <summary>
/// Verifies HMAC-SHA256 request signatures (<see cref="RequestSignature"/> v1 and v2). Every check fails closed and
/// names a stable code (<see cref="HmacErrorCodes"/>) that the challenge writes as the error.
/// </summary>
internal sealed partial class HmacAuthenticationHandler(
    IOptionsMonitor<HmacAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IHmacReplayCache replayCache,
    IOptions<PlatformOptions> platform)
    : AuthenticationHandler<HmacAuthenticationOptions>(options, logger, encoder)
{
    public const string VersionClaim = "hmac_version";
    public const string AuthenticationMethodClaim = "amr";

    private const int MaxNonceLength = 128;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers;
        var signatureHeader = headers[RequestSignature.SignatureHeader].ToString();
        var timestampHeader = headers[RequestSignature.TimestampHeader].ToString();
        if (signatureHeader.Length == 0 && timestampHeader.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (signatureHeader.Length == 0 || timestampHeader.Length == 0)
        {
            return Refuse(HmacErrorCodes.SignatureMissing, $"Both {RequestSignature.SignatureHeader} and {RequestSignature.TimestampHeader} are required.");
        }

        var versionHeader = headers[RequestSignature.VersionHeader].ToString();
        int version;
        switch (versionHeader)
        {
            case "" or "1": version = 1; break;
            case "2": version = 2; break;
            default: return Refuse(HmacErrorCodes.VersionUnsupported, $"{RequestSignature.VersionHeader} must be 1 or 2.");
        }

        var ns = headers[RequestSignature.NamespaceHeader].ToString();
        if (!Options.VersionsFor(ns.Length > 0 ? ns : platform.Value.DefaultNamespace).Contains(version))
        {
            return Refuse(HmacErrorCodes.VersionNotAccepted, $"Signature version {version} is not accepted in this namespace.");
        }

        // Only plain digits: no sign, exponent or whitespace variants that would give one request several spellings.
        if (timestampHeader.Length > 12 || !timestampHeader.All(char.IsAsciiDigit)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return Refuse(HmacErrorCodes.TimestampInvalid, $"{RequestSignature.TimestampHeader} must be Unix time in seconds.");
        }

        var now = TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > Options.WindowSeconds)
        {
            return Refuse(HmacErrorCodes.TimestampOutOfWindow, $"{RequestSignature.TimestampHeader} is more than {Options.WindowSeconds} s from the server's clock.");
        }

        // Length is not secret (it is fixed by the algorithm), so malformed input can be refused before comparing.
        var presented = new byte[RequestSignature.SignatureLength];
        if (signatureHeader.Length != RequestSignature.SignatureLength * 2
            || Convert.FromHexString(signatureHeader, presented, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return Refuse(HmacErrorCodes.SignatureInvalid, "The signature does not match the request.");
        }

        var (path, query) = RawPathAndQuery();
        string stringToSign;
        string replayKey;
        if (version == 1)
        {
            stringToSign = RequestSignature.V1String(Request.Method, path, timestamp);
            replayKey = "1:" + Convert.ToHexStringLower(presented);
        }
        else
        {
            var nonce = headers[RequestSignature.NonceHeader].ToString();
            if (nonce.Length is 0 or > MaxNonceLength || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return Refuse(HmacErrorCodes.NonceInvalid, $"Version 2 needs {RequestSignature.NonceHeader}: 1–{MaxNonceLength} characters of letters, digits, '-', '_' or '.'.");
            }

            var bodyHash = await HashBodyAsync().ConfigureAwait(false);
            if (bodyHash is null)
            {
                return Refuse(HmacErrorCodes.PayloadTooLarge, $"Signed bodies are limited to {Options.MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            stringToSign = RequestSignature.V2String(Request.Method, path, query, timestamp, nonce, ns.Length > 0 ? ns : null, bodyHash);
            replayKey = "2:" + nonce;
        }

        if (!MatchesAnySecret(stringToSign, presented))
        {
            return Refuse(HmacErrorCodes.SignatureInvalid, "The signature does not match the request.");
        }

        // Registered only once the signature is proven, so forged requests cannot fill the cache or pre-empt a nonce.
        if (!replayCache.TryRegister(replayKey, DateTimeOffset.FromUnixTimeSeconds(timestamp + Options.WindowSeconds + 1)))
        {
            return Refuse(HmacErrorCodes.SignatureReplayed, "This signature was already used.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(VersionClaim, version.ToString(CultureInfo.InvariantCulture)), new Claim(AuthenticationMethodClaim, "hmac")],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Features.Get<HmacFailure>()
            ?? new HmacFailure(HmacErrorCodes.SignatureMissing, $"This endpoint needs a signed request ({RequestSignature.SignatureHeader}, {RequestSignature.TimestampHeader}).", StatusCodes.Status401Unauthorized);
        Response.Headers.WWWAuthenticate = "HMAC-SHA256";
        return Problems.Write(Context, failure.Status, failure.Code, failure.Message);
    }

    private AuthenticateResult Refuse(string code, string message, int status = StatusCodes.Status401Unauthorized)
    {
        Log.SignatureRefused(Logger, code, Request.Method, Request.Path);
        Context.Features.Set(new HmacFailure(code, message, status));
        return AuthenticateResult.Fail(message);
    }

    /// <summary>
    /// Every secret is tried and the results are OR-ed without short-circuiting, and each comparison is fixed-time:
    /// neither how many bytes matched nor which secret matched shows in the response time.
    /// </summary>
    private bool MatchesAnySecret(string stringToSign, byte[] presented)
    {
        var matched = false;
        foreach (var secret in Options.Secrets)
        {
            matched |= CryptographicOperations.FixedTimeEquals(RequestSignature.Compute(secret, stringToSign), presented);
        }

        return matched;
    }

    /// <summary>The path and query exactly as the client sent them (escaping untouched), when the server kept them.</summary>
    private (string Path, string? Query) RawPathAndQuery()
    {
        var raw = Context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is { Length: > 0 } && raw[0] == '/')
        {
            var mark = raw.IndexOf('?', StringComparison.Ordinal);
            return mark < 0 ? (raw, null) : (raw[..mark], raw[(mark + 1)..]);
        }

        return ((Request.PathBase + Request.Path).ToUriComponent(), Request.QueryString.HasValue ? Request.QueryString.Value : null);
    }

    /// <summary>SHA-256 of the body (left readable for the endpoint), or null when it exceeds the limit.</summary>
    private async Task<string?> HashBodyAsync()
    {
        if (Request.ContentLength > Options.MaxBodyBytes)
        {
            return null;
        }

        Request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await Request.Body.ReadAsync(buffer, Context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > Options.MaxBodyBytes)
            {
                return null;
            }

            hash.AppendData(buffer, 0, read);
        }

        Request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Refused request signature ({Code}) on {Method} {Path}")]
        public static partial void SignatureRefused(ILogger logger, string code, string method, PathString path);
    }
}

/// <summary>Why the signature was refused, kept for the challenge.</summary>
internal sealed record HmacFailure(string Code, string Message, int Status);
