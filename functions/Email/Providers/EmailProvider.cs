namespace Hit.Email.Providers;

/// <summary>A rendered mail ready to hand to a provider.</summary>
/// <param name="DeliveryId">Also the mail's Message-ID local part and SendGrid custom arg, so the provider side can correlate.</param>
internal sealed record OutgoingEmail(string DeliveryId, string From, string FromName, string To, string Subject, string? Html, string? Text);

internal enum SendStatus
{
    Sent,

    /// <summary>Worth another try (connection refused, timeout, SMTP 4xx, HTTP 429/5xx).</summary>
    Transient,

    /// <summary>Retrying cannot help (bad address, SMTP 5xx, HTTP 4xx).</summary>
    Permanent,
}

/// <summary>What a provider made of one send; <see cref="Reason"/> never contains the mail's content.</summary>
internal sealed record SendOutcome(SendStatus Status, string? ProviderMessageId = null, string? FailureCode = null, string? Reason = null)
{
    public static SendOutcome Sent(string? providerMessageId) => new(SendStatus.Sent, providerMessageId);

    public static SendOutcome Transient(string reason) => new(SendStatus.Transient, Reason: reason);

    public static SendOutcome Permanent(string code, string reason) => new(SendStatus.Permanent, FailureCode: code, Reason: reason);
}

/// <summary>One way of delivering mail (SMTP, SendGrid). Failures are outcomes, not exceptions.</summary>
internal interface IEmailProvider
{
    string Name { get; }

    Task<SendOutcome> SendAsync(OutgoingEmail email, CancellationToken cancellationToken);
}

/// <summary>The configured providers by name.</summary>
internal sealed class EmailProviders(IEnumerable<IEmailProvider> providers)
{
    private readonly Dictionary<string, IEmailProvider> _byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IEmailProvider Get(string name) =>
        _byName.TryGetValue(name, out var provider) ? provider : throw new InvalidOperationException($"Email provider '{name}' is not registered.");
}
