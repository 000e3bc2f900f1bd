using Hit.Contracts;
using Hit.Contracts.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Auth.Ticketing;

internal static class TicketingErrors
{
    /// <summary>The seed's route prefix: everything under it answers errors in the seed's shape.</summary>
    public static readonly PathString Prefix = new("/api/users");

    /// <summary>
    /// Puts <see cref="TicketingErrorWriter"/> first, so the platform's own answers under <see cref="Prefix"/> — its 404
    /// and 405 (the catch-all), 401 for a bad token, 413 for an oversized body, 500 — keep the seed's shape too.
    /// </summary>
    public static IServiceCollection AddTicketingErrors(this IServiceCollection services)
    {
        // ProblemDetailsService uses the first writer that accepts the response.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, TicketingErrorWriter>());
        return services;
    }
}

/// <summary>Writes a ProblemDetails of a ticketing route as <c>{errors:[{message, field?}]}</c>.</summary>
internal sealed class TicketingErrorWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        context?.HttpContext.Request.Path.StartsWithSegments(TicketingErrors.Prefix, StringComparison.OrdinalIgnoreCase) == true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var field = problem.Extensions.TryGetValue("field", out var f) && f is string name ? name : null;
        var message = problem.Detail ?? problem.Title ?? "Error";
        var body = new TicketingErrorResponse([new TicketingError(message, field)]);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(body, HitJsonContext.Default.TicketingErrorResponse,
            "application/json; charset=utf-8", context.HttpContext.RequestAborted));
    }
}
