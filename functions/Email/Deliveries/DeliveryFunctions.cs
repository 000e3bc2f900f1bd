using System.Text.Json;
using Hit.Platform.Http;
using Hit.Contracts;
using Hit.Contracts.Email;
using Hit.Email.Http;
using Hit.Email.Templates;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hit.Email.Deliveries;

/// <summary><c>POST /emails</c> (validate, render, record, queue), <c>GET /emails/{id}</c> and the poison listing.</summary>
internal sealed class DeliveryFunctions(
    DeliveryStore deliveries, EmailQueue queue, TemplateStore templates, TemplateRenderer renderer, EmailCallers callers,
    IOptions<EmailOptions> options, TimeProvider time)
{
    /// <summary>The request body cap: the content limit plus JSON overhead. Larger bodies are refused before parsing.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    [Function(nameof(SendEmail))]
    [RequestBodyLimit(MaxBodyBytes)]
    public async Task<IResult> SendEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "emails")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        var (body, error) = await JsonBody.ReadAsync(request, HitJsonContext.Default.SendEmailRequest, cancellationToken, MaxBodyBytes);
        if (error is not null)
        {
            return error.ToProblem();
        }

        if (ValidateRecipient(body!.To) is { } recipientProblem)
        {
            return recipientProblem;
        }

        var (email, problem) = await ContentAsync(caller.Namespace, body, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (ValidateContent(email!, options.Value.MaxContentChars) is { } contentProblem)
        {
            return contentProblem;
        }

        var now = time.GetUtcNow();
        var deliveryId = Guid.NewGuid().ToString("N");
        var record = await deliveries.CreateAsync(new DeliveryDocument
        {
            Id = DeliveryDocument.IdFor(deliveryId),
            Pk = DeliveryDocument.PkFor(caller.Namespace, deliveryId),
            Ns = caller.Namespace,
            DeliveryId = deliveryId,
            State = EmailStates.Queued,
            To = body.To!.Trim(),
            Template = body.Template,
            Subject = email!.Subject,
            Html = email.Html,
            Text = email.Text,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);

        var message = JsonSerializer.Serialize(new DeliveryMessage(DeliveryMessage.CurrentVersion, DeliveryMessage.DeliveryKind, deliveryId, caller.Namespace),
            EmailDocumentsJsonContext.Default.DeliveryMessage);
        try
        {
            await queue.SendAsync(message, TimeSpan.Zero, cancellationToken);
        }
        catch
        {
            // Nothing half-written: a record no message will ever drive is withdrawn before the error surfaces.
            await deliveries.DeleteAsync(record, CancellationToken.None);
            throw;
        }

        return TypedResults.Accepted(PublicAddress.PathFor(request, $"/emails/{deliveryId}"), record.ToResponse());
    }

    [Function(nameof(GetEmail))]
    public async Task<IResult> GetEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "emails/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        if (!EmailQueueFunctions.IdRegex().IsMatch(id))
        {
            return Problems.BadRequest("id", "An email id is 1–64 characters of letters, digits, '-' or '_'.");
        }

        return await deliveries.FindAsync(caller.Namespace, id, cancellationToken) is { } record
            ? TypedResults.Ok(record.ToResponse())
            : Problems.NotFound($"No email '{id}' in this namespace.");
    }

    /// <summary>
    /// The first 32 messages of <c>email-poison</c> (the queue's peek limit) of the caller's namespace, without their data;
    /// messages whose namespace cannot be read are shown to service callers only.
    /// </summary>
    [Function(nameof(ListPoisonEmails))]
    public async Task<IResult> ListPoisonEmails(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "emails/poison")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await callers.AuthenticateAsync(request, ns);
        if (caller is null)
        {
            return refusal!;
        }

        var items = new List<PoisonMessageResponse>();
        foreach (var message in await queue.PeekPoisonAsync(cancellationToken))
        {
            var item = Describe(message.MessageId, message.InsertedOn, message.Body.ToString());
            if (item.Namespace == caller.Namespace || (item.Namespace is null && caller.IsService))
            {
                items.Add(item);
            }
        }

        return TypedResults.Ok(new PoisonMessageList(items));
    }

    internal static PoisonMessageResponse Describe(string queueMessageId, DateTimeOffset? insertedOn, string text)
    {
        string? reason = null;
        try
        {
            EmailQueueFunctions.Parse(text);
        }
        catch (PoisonMessageException ex)
        {
            reason = ex.Message;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return new PoisonMessageResponse(queueMessageId, insertedOn,
                    root.TryGetProperty("version", out var v) && v.TryGetInt32(out var version) ? version : null,
                    Text(root, "messageId") ?? Text(root, "deliveryId"), Text(root, "namespace"), Text(root, "template"), reason);
            }
        }
        catch (JsonException)
        {
        }

        return new PoisonMessageResponse(queueMessageId, insertedOn, null, null, null, null, reason);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<(RenderedEmail? Email, ProblemHttpResult? Problem)> ContentAsync(string ns, SendEmailRequest body, CancellationToken cancellationToken)
    {
        if (body.Template is null)
        {
            if (string.IsNullOrEmpty(body.Subject))
            {
                return (null, Problems.BadRequest("subject", "A subject (or a template) is required.", EmailProblemCodes.ContentRequired));
            }

            if (string.IsNullOrEmpty(body.Html) && string.IsNullOrEmpty(body.Text))
            {
                return (null, Problems.BadRequest("html", "An html or text part (or a template) is required.", EmailProblemCodes.ContentRequired));
            }

            return (new RenderedEmail(body.Subject, NullIfEmpty(body.Html), NullIfEmpty(body.Text)), null);
        }

        if (body.Subject is not null || body.Html is not null || body.Text is not null)
        {
            return (null, Problems.BadRequest("template", "Send either a template with data or subject/html/text, not both."));
        }

        if (TemplateFunctions.ValidateName(body.Template) is { } nameProblem)
        {
            return (null, Problems.BadRequest("template", "A template name is 1–64 characters of lowercase letters, digits, '.', '-' or '_'.", EmailProblemCodes.TemplateNameInvalid));
        }

        if (await templates.ResolveAsync(ns, body.Template, cancellationToken) is not { } template)
        {
            return (null, Problems.BadRequest("template", $"No template named '{body.Template}'.", EmailProblemCodes.TemplateNotFound));
        }

        var (email, error) = renderer.Render(template.Parts, body.Data ?? new Dictionary<string, string>());
        return error switch
        {
            null => (email, null),
            { MissingVariable: { } variable } => (null, Problems.BadRequest($"data.{variable}", error.Message, EmailProblemCodes.TemplateVariableMissing)),
            _ => (null, Problems.BadRequest("template", error.Message, EmailProblemCodes.TemplateInvalid)),
        };
    }

    /// <summary>One mailbox, one line: a CR or LF in an address or subject would let data write its own headers (Bcc:, a second body).</summary>
    internal static ProblemHttpResult? ValidateRecipient(string? to)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            return Problems.BadRequest("to", "A recipient is required.", EmailProblemCodes.RecipientRequired);
        }

        if (to.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return Problems.BadRequest("to", "The recipient must be one line.", EmailProblemCodes.HeaderInjection);
        }

        if (to.Length > 320 || !MailboxAddress.TryParse(to.Trim(), out var mailbox) || mailbox.Address.IndexOf('@', StringComparison.Ordinal) <= 0
            || mailbox.Address.EndsWith('@') || InternetAddressList.TryParse(to, out var list) && list.Count != 1)
        {
            return Problems.BadRequest("to", "The recipient must be one email address.", EmailProblemCodes.RecipientInvalid);
        }

        return null;
    }

    internal static ProblemHttpResult? ValidateContent(RenderedEmail email, int maxChars)
    {
        if (email.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return Problems.BadRequest("subject", "The subject must be one line (no CR or LF).", EmailProblemCodes.HeaderInjection);
        }

        if (email.Subject.Length + (email.Html?.Length ?? 0) + (email.Text?.Length ?? 0) > maxChars)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, EmailProblemCodes.ContentTooLarge, $"Subject, html and text together exceed {maxChars} characters.", "body");
        }

        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
