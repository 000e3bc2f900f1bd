using Hit.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Tenancy;

internal sealed class TenancyMiddleware(RequestDelegate next, IOptions<PlatformOptions> options)
{
    internal const string InvalidDetail = $"The namespace must match {TenantNamespace.Pattern}.";

    /// <summary>The namespace a request names (not yet validated); shared with the worker's tenancy middleware.</summary>
    internal static string Resolve(HttpContext context, string defaultNamespace)
    {
        // An authenticated caller's token decides its namespace; a header cannot move it into another tenant.
        var claim = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(TenantNamespace.ClaimType)?.Value : null;
        var header = context.Request.Headers[TenantNamespace.HeaderName].ToString();
        return claim ?? (header.Length > 0 ? header : defaultNamespace);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var value = Resolve(context, options.Value.DefaultNamespace);
        if (!TenantNamespace.IsValid(value))
        {
            await Problems.Write(context, StatusCodes.Status400BadRequest, ProblemCodes.InvalidNamespace, InvalidDetail, field: TenantNamespace.HeaderName);
            return;
        }

        context.Features.Set(new TenantNamespace(value));
        await next(context);
    }
}

internal static class TenancyExtensions
{
    public static IServiceCollection AddHitTenancy(this IServiceCollection services) => services;

    public static IApplicationBuilder UseHitTenancy(this IApplicationBuilder app) => app.UseMiddleware<TenancyMiddleware>();
}
