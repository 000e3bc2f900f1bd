namespace Hit.Contracts.Email;

/// <summary>
/// <c>POST /emails</c>: a mail to one recipient, either from a stored or built-in template (<see cref="Template"/> plus
/// <see cref="Data"/>) or with its parts given directly (<see cref="Subject"/> plus <see cref="Html"/> and/or <see cref="Text"/>).
/// </summary>
public sealed record SendEmailRequest(
    string? To,
    string? Template = null,
    IReadOnlyDictionary<string, string>? Data = null,
    string? Subject = null,
    string? Html = null,
    string? Text = null);

/// <summary>A delivery as <c>GET /emails/{id}</c> shows it.</summary>
/// <param name="State"><see cref="EmailStates"/>.</param>
/// <param name="Attempts">Send attempts started so far.</param>
/// <param name="NextAttemptAt">When <see cref="State"/> is <c>retrying</c>: the next try.</param>
/// <param name="FailureCode">When <see cref="State"/> is <c>failed</c>: a stable code (<c>recipient_rejected</c>, <c>provider_rejected</c>, <c>retries_exhausted</c>, <c>outcome_unknown</c>, …).</param>
public sealed record EmailResponse(
    string Id,
    string Namespace,
    string State,
    string To,
    string? Template,
    int Attempts,
    string? Provider,
    string? ProviderMessageId,
    DateTimeOffset? NextAttemptAt,
    string? FailureCode,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SentAt);

/// <summary>The states of a delivery.</summary>
public static class EmailStates
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
}

/// <summary><c>POST/PUT /templates/{name}</c>: Handlebars source of the three parts; at least one of html and text.</summary>
public sealed record TemplateRequest(string? Subject, string? Html, string? Text);

/// <summary>A template: stored in the caller's namespace, or built in (<see cref="BuiltIn"/>) when none is stored under the name.</summary>
public sealed record TemplateResponse(string Name, string Namespace, string Subject, string? Html, string? Text, bool BuiltIn, DateTimeOffset? UpdatedAt);

/// <summary>One message of the <c>email-poison</c> queue, without its data (it may hold one-time secrets).</summary>
public sealed record PoisonMessageResponse(
    string QueueMessageId,
    DateTimeOffset? InsertedOn,
    int? Version,
    string? MessageId,
    string? Namespace,
    string? Template,
    string? Reason);

public sealed record PoisonMessageList(IReadOnlyList<PoisonMessageResponse> Items);
