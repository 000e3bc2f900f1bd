using Hit.Contracts.Directory;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// Resolves the request's namespace once (the authenticated caller's <c>ns</c> claim, else <c>X-Hit-Namespace</c>,
/// else <see cref="PlatformOptions.DefaultNamespace"/>) and keeps it in
/// <c>HttpContext.Features</c>, where <see cref="TenantNamespaceConverter"/> binds it to function parameters.
/// An anonymous caller may name a namespace other than the default only where
/// <see cref="PlatformOptions.AnonymousNamespaceHeader"/> allows it, or when an HMAC v2 signature the platform verifies
/// covers the header.
/// </summary>
internal sealed class WorkerTenancyMiddleware(IOptions<PlatformOptions> options) : IFunctionsWorkerMiddleware
{
    internal const string InvalidDetail = $"The namespace must match {TenantNamespace.Pattern}.";

    /// <summary>The <c>code</c> of the refusal of an anonymous caller that names a namespace by header alone.</summary>
    public const string NamespaceRequiresTokenCode = "namespace_requires_token";

    internal const string NamespaceRequiresTokenDetail =
        "Without an access token X-Hit-Namespace cannot choose a namespace in this app: send a Hit access token (its ns claim names the namespace) or leave the header out.";

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.Http();
        if (Resolve(http, options.Value, NamespaceIsSigned(context, http)) is { } refusal)
        {
            context.Respond(refusal);
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>Resolution with the header allowed for anonymous callers (what the unit tests of the order need).</summary>
    internal static IResult? Resolve(HttpContext http, string defaultNamespace) =>
        Resolve(http, new PlatformOptions { DefaultNamespace = defaultNamespace, AnonymousNamespaceHeader = true }, namespaceSigned: false);

    /// <summary>
    /// Sets the request's <see cref="TenantNamespace"/> feature; returns a 400 problem when the namespace is invalid, and
    /// 401 <see cref="NamespaceRequiresTokenCode"/> when an anonymous caller names another namespace than the default
    /// by header alone where neither <paramref name="settings"/> nor a signature (<paramref name="namespaceSigned"/>) allows it.
    /// </summary>
    internal static IResult? Resolve(HttpContext http, PlatformOptions settings, bool namespaceSigned)
    {
        // An authenticated caller's token decides its namespace; a header cannot move it into another tenant.
        var claim = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(TenantNamespace.ClaimType)?.Value : null;
        var header = http.Request.Headers[TenantNamespace.HeaderName].ToString();
        var value = claim ?? (header.Length > 0 ? header : settings.DefaultNamespace);
        if (!TenantNamespace.IsValid(value))
        {
            return Problems.BadRequest(TenantNamespace.HeaderName, InvalidDetail, ProblemCodes.InvalidNamespace);
        }

        // A header is a claim anyone can make: without a credential that vouches for it, it must not pick a tenant, or
        // an app that forgets a check serves one tenant's data to anybody who names it. Refused rather than served in
        // the default namespace, so a client that forgot its token notices instead of writing to the wrong tenant.
        if (claim is null && header.Length > 0 && !settings.AnonymousNamespaceHeader && !namespaceSigned
            && !string.Equals(header, settings.DefaultNamespace, StringComparison.Ordinal))
        {
            return new NamespaceRequiresToken();
        }

        http.Features.Set(new TenantNamespace(value));
        return null;
    }

    /// <summary>
    /// Whether the namespace header is covered by a signature that will be verified before the function runs: the
    /// function is marked <see cref="RequireHmacSignatureAttribute"/>, the platform's HMAC middleware is registered
    /// (it runs right after this one and refuses a signature that does not match), and the request is signed with v2,
    /// whose string to sign contains <c>X-Hit-Namespace</c>. v1 (<c>METHOD:PATH:TIMESTAMP</c>) does not cover the
    /// header, so a captured v1 request could be sent again into another namespace: it does not count.
    /// </summary>
    internal static bool NamespaceIsSigned(FunctionContext context, HttpContext http) =>
        http.Request.Headers[RequestSignature.VersionHeader].ToString() == "2"
        && HmacIsEnforced(context.InstanceServices)
        && SignedFunctions.Requires(context.FunctionDefinition);

    /// <summary>
    /// <c>AddHitHmacSignatures(…, enforce: false)</c> keeps the settings but adds no middleware; then nothing verifies
    /// the signature, and a claimed v2 must not count. The worker registers a middleware type in DI when it is used.
    /// </summary>
    internal static bool HmacIsEnforced(IServiceProvider services) =>
        services.GetService<IServiceProviderIsService>()?.IsService(typeof(WorkerHmacMiddleware)) == true;

    /// <summary>401 with the Bearer challenge: a token is what would let the caller choose that namespace.</summary>
    internal sealed class NamespaceRequiresToken : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Write(httpContext, StatusCodes.Status401Unauthorized, NamespaceRequiresTokenCode, NamespaceRequiresTokenDetail, TenantNamespace.HeaderName);
        }
    }
}
