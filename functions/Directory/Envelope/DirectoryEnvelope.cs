using Hit.Contracts;
using Hit.Contracts.Directory;
using Hit.Platform.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hit.Directory.Envelope;

/// <summary>Stable error codes of the directory (next to the platform's <see cref="ProblemCodes"/>).</summary>
internal static class DirectoryCodes
{
    public const string UserNotFound = "user_not_found";
    public const string EmailTaken = "email_taken";
    public const string DiscordTaken = "discord_account_taken";
    public const string InvalidCursor = "invalid_cursor";
    public const string OriginForbidden = "origin_forbidden";
    public const string DatabaseUnavailable = "database_unavailable";
}

/// <summary>
/// The HackIt seed's envelope everywhere: successes are <c>{success: true, data}</c>, and every failure — the
/// handlers' own, and the platform's ProblemDetails (404 from the catch-all function, 401/413 from the signature
/// middleware, 400 for a bad namespace or an unreadable body, 500 from the exception middleware) — is rewritten to <c>{success: false, error: {code, message}}</c>.
/// </summary>
internal static class DirectoryEnvelope
{
    public static IServiceCollection AddDirectoryEnvelope(this IServiceCollection services)
    {
        // First in the list: ProblemDetailsService uses the first writer that accepts the response.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, DirectoryErrorWriter>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    public static Ok<DirectoryResponse<T>> Ok<T>(T data) => TypedResults.Ok(new DirectoryResponse<T> { Success = true, Data = data });

    public static ProblemHttpResult Fail(int status, string code, string message, string? field = null) =>
        Problems.Create(status, code, message, field);

    public static ProblemHttpResult Invalid(string field, string message) =>
        Problems.BadRequest(field, message);

    public static ProblemHttpResult UserNotFound() =>
        Problems.NotFound("No user matches.", DirectoryCodes.UserNotFound);
}

/// <summary>Writes every ProblemDetails of this app as the seed's error envelope.</summary>
internal sealed class DirectoryErrorWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var response = context.HttpContext.Response;
        var status = problem.Status ?? response.StatusCode;
        var code = problem.Extensions.TryGetValue("code", out var c) && c is string s ? s : ProblemCodes.ForStatus(status);
        var field = problem.Extensions.TryGetValue("field", out var f) && f is string fs ? fs : null;
        var message = problem.Detail ?? problem.Title ?? ReasonPhrase(status);
        var body = new DirectoryErrorResponse(false, new DirectoryError(code, message, field));
        return new ValueTask(response.WriteAsJsonAsync(body, HitJsonContext.Default.DirectoryErrorResponse, "application/json; charset=utf-8", context.HttpContext.RequestAborted));
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
