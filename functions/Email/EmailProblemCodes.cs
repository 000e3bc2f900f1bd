namespace Hit.Email;

/// <summary>Stable <c>code</c> values of the email app's problems, next to <see cref="Hit.Platform.Errors.ProblemCodes"/>.</summary>
internal static class EmailProblemCodes
{
    public const string RecipientRequired = "recipient_required";
    public const string RecipientInvalid = "recipient_invalid";
    public const string HeaderInjection = "header_injection";
    public const string ContentRequired = "content_required";
    public const string ContentTooLarge = "content_too_large";
    public const string TemplateNotFound = "template_not_found";
    public const string TemplateInvalid = "template_invalid";
    public const string TemplateVariableMissing = "template_variable_missing";
    public const string TemplateNameInvalid = "template_name_invalid";
    public const string TemplateExists = "template_exists";
    public const string ServiceSignatureRequired = "authentication_required";
}

/// <summary>Stable failure codes of a delivery (<c>failureCode</c>).</summary>
internal static class DeliveryFailures
{
    /// <summary>The provider refused the recipient address (SMTP 5xx on RCPT TO, or an unparsable address).</summary>
    public const string RecipientRejected = "recipient_rejected";

    /// <summary>The provider answered with a permanent error (SMTP 5xx, HTTP 4xx other than 429).</summary>
    public const string ProviderRejected = "provider_rejected";

    /// <summary>Every provider of the failover list failed its attempts with transient errors.</summary>
    public const string RetriesExhausted = "retries_exhausted";

    /// <summary>The template could not be rendered with the message's data.</summary>
    public const string RenderFailed = "render_failed";

    /// <summary>
    /// The worker stopped while a send was in flight (state stayed <c>sending</c>): the mail may have gone out, so it is
    /// not sent again — at most once rather than twice.
    /// </summary>
    public const string OutcomeUnknown = "outcome_unknown";
}
