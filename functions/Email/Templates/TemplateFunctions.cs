using System.Text.RegularExpressions;
using Hit.Platform.Http;
using Hit.Contracts;
using Hit.Contracts.Email;
using Hit.Email.Http;
using Hit.Platform.Cosmos;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Email.Templates;

/// <summary>Template CRUD per namespace: <c>POST/GET/PUT/DELETE /templates/{name}</c>.</summary>
internal sealed partial class TemplateFunctions(TemplateStore templates, TemplateRenderer renderer, EmailCallers callers)
{
    /// <summary>Each part's source is capped so a stored template stays far below Cosmos's 2 MB document limit.</summary>
    public const int MaxPartChars = 64 * 1024;

    [Function(nameof(CreateTemplate))]
    [RequestBodyLimit(4 * MaxPartChars)]
    public async Task<IResult> CreateTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates/{name}")] HttpRequest request,
        string name, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        var (parts, problem) = await ReadAsync(request, name, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await templates.CreateAsync(caller.Namespace, name, parts!, cancellationToken) == WriteOutcome.Conflict)
        {
            return Problems.Conflict($"A template named '{name}' exists; PUT replaces it.", EmailProblemCodes.TemplateExists);
        }

        return TypedResults.Created(PublicAddress.PathFor(request, $"/templates/{name}"), await ToResponseAsync(caller.Namespace, name, cancellationToken));
    }

    [Function(nameof(GetTemplate))]
    public async Task<IResult> GetTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "templates/{name}")] HttpRequest request,
        string name, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        if (ValidateName(name) is { } problem)
        {
            return problem;
        }

        return await ToResponseAsync(caller.Namespace, name, cancellationToken) is { } response
            ? TypedResults.Ok(response)
            : Problems.NotFound($"No template named '{name}'.", EmailProblemCodes.TemplateNotFound);
    }

    [Function(nameof(ReplaceTemplate))]
    [RequestBodyLimit(4 * MaxPartChars)]
    public async Task<IResult> ReplaceTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "templates/{name}")] HttpRequest request,
        string name, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        var (parts, problem) = await ReadAsync(request, name, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var stored = await templates.UpsertAsync(caller.Namespace, name, parts!, cancellationToken);
        return TypedResults.Ok(new TemplateResponse(name, caller.Namespace, stored.Subject, stored.Html, stored.Text, false, stored.UpdatedAt));
    }

    [Function(nameof(DeleteTemplate))]
    public async Task<IResult> DeleteTemplate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "templates/{name}")] HttpRequest request,
        string name, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        if (ValidateName(name) is { } problem)
        {
            return problem;
        }

        // A built-in template cannot be deleted, only overridden: deleting the override brings it back.
        return await templates.DeleteAsync(caller.Namespace, name, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No stored template named '{name}'.", EmailProblemCodes.TemplateNotFound);
    }

    private async Task<TemplateResponse?> ToResponseAsync(string ns, string name, CancellationToken cancellationToken) =>
        await templates.ResolveAsync(ns, name, cancellationToken) is { } found
            ? new TemplateResponse(name, ns, found.Parts.Subject, found.Parts.Html, found.Parts.Text, found.BuiltIn, found.UpdatedAt)
            : null;

    private async Task<(TemplateParts? Parts, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, string name, CancellationToken cancellationToken)
    {
        if (ValidateName(name) is { } nameProblem)
        {
            return (null, nameProblem);
        }

        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.TemplateRequest, cancellationToken, 4 * MaxPartChars);
        if (error is not null)
        {
            return (null, error.ToProblem());
        }

        return Validate(body!, renderer) is { } problem ? (null, problem) : (new TemplateParts(body!.Subject!, NullIfEmpty(body.Html), NullIfEmpty(body.Text)), null);
    }

    internal static ProblemHttpResult? Validate(TemplateRequest body, TemplateRenderer renderer)
    {
        if (string.IsNullOrWhiteSpace(body.Subject))
        {
            return Problems.BadRequest("subject", "A subject template is required.", EmailProblemCodes.ContentRequired);
        }

        if (string.IsNullOrEmpty(body.Html) && string.IsNullOrEmpty(body.Text))
        {
            return Problems.BadRequest("html", "An html or a text template is required.", EmailProblemCodes.ContentRequired);
        }

        foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("subject", body.Subject), ("html", body.Html), ("text", body.Text)])
        {
            if (value is { Length: > MaxPartChars })
            {
                return Problems.BadRequest(field, $"The {field} template exceeds {MaxPartChars} characters.", EmailProblemCodes.ContentTooLarge);
            }
        }

        if (body.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return Problems.BadRequest("subject", "The subject must be one line.", EmailProblemCodes.HeaderInjection);
        }

        return renderer.Check(new TemplateParts(body.Subject, NullIfEmpty(body.Html), NullIfEmpty(body.Text))) is { } error
            ? Problems.BadRequest(error.Part, error.Message, EmailProblemCodes.TemplateInvalid)
            : null;
    }

    internal static ProblemHttpResult? ValidateName(string name) =>
        NameRegex().IsMatch(name) ? null
            : Problems.BadRequest("name", "A template name is 1–64 characters of lowercase letters, digits, '.', '-' or '_', starting with a letter or digit.", EmailProblemCodes.TemplateNameInvalid);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
