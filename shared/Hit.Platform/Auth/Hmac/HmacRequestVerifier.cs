using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Hit.Contracts.Directory;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Auth.Hmac;

/// <summary>
/// Verifies HMAC-SHA256 request signatures (<see cref="RequestSignature"/> v1 and v2) on an <see cref="HttpContext"/>.
/// Every check fails closed and names a stable code (<see cref="HmacErrorCodes"/>). The host-specific part (worker
/// middleware) only decides which requests need a signature and writes the refusal.
/// </summary>
public sealed partial class HmacRequestVerifier(
    IOptions<HmacAuthenticationOptions> options,
    IHmacReplayCache replayCache,
    TimeProvider time,
    IOptions<PlatformOptions> platform,
    ILogger<HmacRequestVerifier> logger)
{
    /// <summary>The authentication type of a verified caller's identity.</summary>
    public const string AuthenticationType = "HitHmac";

    public const string VersionClaim = "hmac_version";
    public const string AuthenticationMethodClaim = "amr";

    private const int MaxNonceLength = 128;

    private HmacAuthenticationOptions Options => options.Value;

    /// <summary>The settings the verifier runs with (accepted versions per namespace, window).</summary>
    public HmacAuthenticationOptions Settings => Options;

    /// <summary>The verified caller, or why the request is refused.</summary>
    public async Task<HmacVerification> VerifyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var headers = request.Headers;
        var signatureHeader = headers[RequestSignature.SignatureHeader].ToString();
        var timestampHeader = headers[RequestSignature.TimestampHeader].ToString();
        if (signatureHeader.Length == 0 && timestampHeader.Length == 0)
        {
            return Refuse(request, HmacErrorCodes.SignatureMissing, $"This endpoint needs a signed request ({RequestSignature.SignatureHeader}, {RequestSignature.TimestampHeader}).");
        }

        if (signatureHeader.Length == 0 || timestampHeader.Length == 0)
        {
            return Refuse(request, HmacErrorCodes.SignatureMissing, $"Both {RequestSignature.SignatureHeader} and {RequestSignature.TimestampHeader} are required.");
        }

        var versionHeader = headers[RequestSignature.VersionHeader].ToString();
        int version;
        switch (versionHeader)
        {
            case "" or "1": version = 1; break;
            case "2": version = 2; break;
            default: return Refuse(request, HmacErrorCodes.VersionUnsupported, $"{RequestSignature.VersionHeader} must be 1 or 2.");
        }

        var ns = headers[RequestSignature.NamespaceHeader].ToString();
        if (!Options.VersionsFor(ns.Length > 0 ? ns : platform.Value.DefaultNamespace).Contains(version))
        {
            return Refuse(request, HmacErrorCodes.VersionNotAccepted, $"Signature version {version} is not accepted in this namespace.");
        }

        // Only plain digits: no sign, exponent or whitespace variants that would give one request several spellings.
        if (timestampHeader.Length > 12 || !timestampHeader.All(char.IsAsciiDigit)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return Refuse(request, HmacErrorCodes.TimestampInvalid, $"{RequestSignature.TimestampHeader} must be Unix time in seconds.");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > Options.WindowSeconds)
        {
            return Refuse(request, HmacErrorCodes.TimestampOutOfWindow, $"{RequestSignature.TimestampHeader} is more than {Options.WindowSeconds} s from the server's clock.");
        }

        // Length is not secret (it is fixed by the algorithm), so malformed input can be refused before comparing.
        var presented = new byte[RequestSignature.SignatureLength];
        if (signatureHeader.Length != RequestSignature.SignatureLength * 2
            || Convert.FromHexString(signatureHeader, presented, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return Refuse(request, HmacErrorCodes.SignatureInvalid, "The signature does not match the request.");
        }

        var (path, query) = RawPathAndQuery(context);
        string stringToSign;
        string replayKey;
        if (version == 1)
        {
            stringToSign = RequestSignature.V1String(request.Method, path, timestamp);
            replayKey = "1:" + Convert.ToHexStringLower(presented);
        }
        else
        {
            var nonce = headers[RequestSignature.NonceHeader].ToString();
            if (nonce.Length is 0 or > MaxNonceLength || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return Refuse(request, HmacErrorCodes.NonceInvalid, $"Version 2 needs {RequestSignature.NonceHeader}: 1–{MaxNonceLength} characters of letters, digits, '-', '_' or '.'.");
            }

            var bodyHash = await HashBodyAsync(context).ConfigureAwait(false);
            if (bodyHash is null)
            {
                return Refuse(request, HmacErrorCodes.PayloadTooLarge, $"Signed bodies are limited to {Options.MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            stringToSign = RequestSignature.V2String(request.Method, path, query, timestamp, nonce, ns.Length > 0 ? ns : null, bodyHash);
            replayKey = "2:" + nonce;
        }

        if (!MatchesAnySecret(stringToSign, presented))
        {
            return Refuse(request, HmacErrorCodes.SignatureInvalid, "The signature does not match the request.");
        }

        // Registered only once the signature is proven, so forged requests cannot fill the cache or pre-empt a nonce.
        if (!replayCache.TryRegister(replayKey, DateTimeOffset.FromUnixTimeSeconds(timestamp + Options.WindowSeconds + 1)))
        {
            return Refuse(request, HmacErrorCodes.SignatureReplayed, "This signature was already used.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(VersionClaim, version.ToString(CultureInfo.InvariantCulture)), new Claim(AuthenticationMethodClaim, "hmac")],
            AuthenticationType);
        return new HmacVerification(new ClaimsPrincipal(identity), null);
    }

    private HmacVerification Refuse(HttpRequest request, string code, string message, int status = StatusCodes.Status401Unauthorized)
    {
        Log.SignatureRefused(logger, code, request.Method, request.Path);
        return new HmacVerification(null, new HmacFailure(code, message, status));
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
    private static (string Path, string? Query) RawPathAndQuery(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is { Length: > 0 } && raw[0] == '/')
        {
            var mark = raw.IndexOf('?', StringComparison.Ordinal);
            return mark < 0 ? (raw, null) : (raw[..mark], raw[(mark + 1)..]);
        }

        var request = context.Request;
        return ((request.PathBase + request.Path).ToUriComponent(), request.QueryString.HasValue ? request.QueryString.Value : null);
    }

    /// <summary>SHA-256 of the body (left readable for the function), or null when it exceeds the limit.</summary>
    private async Task<string?> HashBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > Options.MaxBodyBytes)
        {
            return null;
        }

        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > Options.MaxBodyBytes)
            {
                return null;
            }

            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Refused request signature ({Code}) on {Method} {Path}")]
        public static partial void SignatureRefused(ILogger logger, string code, string method, PathString path);
    }
}

/// <summary>The outcome of <see cref="HmacRequestVerifier.VerifyAsync"/>: the verified caller, or the refusal.</summary>
public sealed record HmacVerification(ClaimsPrincipal? Principal, HmacFailure? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>Why a signature was refused: a stable code (<see cref="HmacErrorCodes"/>), a message and the status (401, or 413).</summary>
public sealed record HmacFailure(string Code, string Message, int Status);
