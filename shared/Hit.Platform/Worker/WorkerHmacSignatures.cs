using System.Collections.Concurrent;
using Hit.Platform.Auth.Hmac;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Worker;

/// <summary>
/// Marks an HTTP function (or every function of a class) as needing an HMAC-SHA256 request signature; the worker
/// middleware <see cref="HitWorkerHmacExtensions.AddHitHmacSignatures"/> registers refuses unsigned or badly signed
/// invocations before the function runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class RequireHmacSignatureAttribute : Attribute;

/// <summary>HMAC-SHA256 request signatures (<see cref="HmacRequestVerifier"/>) for isolated-worker apps.</summary>
public static class HitWorkerHmacExtensions
{
    /// <summary>
    /// Binds the signature settings from <paramref name="configSection"/> (validated on start: at least one secret of
    /// 16+ characters) and, when <paramref name="enforce"/>, adds worker middleware that verifies every invocation of a
    /// function marked <see cref="RequireHmacSignatureAttribute"/>: 401 (413 for an oversized v2 body) with a stable
    /// code otherwise. Call it after <c>AddHitPlatform()</c>, so the namespace is resolved (and refused) first.
    /// </summary>
    public static FunctionsApplicationBuilder AddHitHmacSignatures(this FunctionsApplicationBuilder builder, string configSection, bool enforce = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(configSection);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IHmacReplayCache, MemoryHmacReplayCache>();
        builder.Services.AddOptions<HmacAuthenticationOptions>().BindConfiguration(configSection).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HmacAuthenticationOptions>>(new HmacAuthenticationOptionsValidator(configSection));
        builder.Services.TryAddSingleton<HmacRequestVerifier>();
        if (enforce)
        {
            builder.UseWhen<WorkerHmacMiddleware>(context => WorkerHttp.IsHttpInvocation(context) && SignedFunctions.Requires(context.FunctionDefinition));
        }

        return builder;
    }
}

/// <summary>
/// Verifies the request signature of a function that requires one. It is worker middleware (not an ASP.NET Core
/// authentication scheme behind endpoint policies) because worker functions have no endpoint metadata, and an
/// ASP.NET Core middleware answering early would leave the host's invocation waiting (see <see cref="HitWorkerExtensions"/>).
/// </summary>
internal sealed class WorkerHmacMiddleware(HmacRequestVerifier verifier) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.Http();
        var verification = await verifier.VerifyAsync(http).ConfigureAwait(false);
        if (verification.Failure is { } failure)
        {
            context.Respond(new HmacChallengeResult(failure));
            return;
        }

        if (http.User.Identity?.IsAuthenticated == true)
        {
            http.User.AddIdentities(verification.Principal!.Identities);
        }
        else
        {
            http.User = verification.Principal!;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>The refusal: <c>WWW-Authenticate: HMAC-SHA256</c> and the platform problem with the failure's code.</summary>
    internal sealed class HmacChallengeResult(HmacFailure failure) : IResult
    {
        public HmacFailure Failure => failure;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.WWWAuthenticate = "HMAC-SHA256";
            return Problems.Write(httpContext, failure.Status, failure.Code, failure.Message);
        }
    }
}

/// <summary>Which functions carry <see cref="RequireHmacSignatureAttribute"/>, looked up once per function.</summary>
public static class SignedFunctions
{
    private static readonly ConcurrentDictionary<string, bool> Cache = new(StringComparer.Ordinal);

    internal static bool Requires(FunctionDefinition function) =>
        Cache.GetOrAdd(function.EntryPoint, static (entryPoint, path) => Resolve(path, entryPoint), function.PathToAssembly);

    /// <summary>
    /// Whether the function at <paramref name="entryPoint"/> requires a signature (what functions.metadata records as
    /// <c>scriptFile</c> and <c>entryPoint</c>). A function that cannot be found fails closed: it requires a signature.
    /// </summary>
    public static bool Resolve(string pathToAssembly, string entryPoint) =>
        FunctionMethods.Find(pathToAssembly, entryPoint) is not { } function
        || function.Type.IsDefined(typeof(RequireHmacSignatureAttribute), inherit: false)
        || function.Methods.Any(m => m.IsDefined(typeof(RequireHmacSignatureAttribute), inherit: false));
}
