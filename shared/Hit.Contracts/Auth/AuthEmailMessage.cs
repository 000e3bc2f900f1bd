namespace Hit.Contracts.Auth;

/// <summary>
/// A mail the auth app asks the email app to send, enqueued as JSON on the <c>email</c> queue. Versioned: a
/// consumer reads <see cref="Version"/> first and poisons versions it does not know; fields are only ever added.
/// </summary>
/// <param name="Version">The contract version, <see cref="CurrentVersion"/>.</param>
/// <param name="MessageId">Unique per message; consumers deduplicate on it (queues deliver at least once).</param>
/// <param name="Namespace">The tenant the mail belongs to.</param>
/// <param name="Template">What to send: <see cref="Templates"/>.</param>
/// <param name="To">The recipient address.</param>
/// <param name="Data">Template values (<c>token</c>, <c>link</c>, <c>expiresAt</c>). Contains a one-time secret: never log it.</param>
/// <param name="CreatedAt">When the auth app enqueued it.</param>
public sealed record AuthEmailMessage(
    int Version,
    string MessageId,
    string Namespace,
    string Template,
    string To,
    IReadOnlyDictionary<string, string> Data,
    DateTimeOffset CreatedAt)
{
    public const int CurrentVersion = 1;

    /// <summary>Template names the email app must know.</summary>
    public static class Templates
    {
        public const string VerifyEmail = "auth.verify-email";
        public const string PasswordReset = "auth.password-reset";
    }
}
