using Microsoft.Extensions.Options;

namespace Hit.Email;

/// <summary>Settings of the email app (section <c>Email</c>, e.g. <c>Email__From</c>).</summary>
internal sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>HMAC secrets of service callers (<c>Email__Hmac__Secrets__0</c>), Hit.Platform's signature settings.</summary>
    public const string HmacSection = "Email:Hmac";

    /// <summary>The queue the trigger listens on (<c>%Email:Queue%</c>) and POST /emails and retries send to.</summary>
    public string Queue { get; set; } = "email";

    /// <summary>The sender address of every mail.</summary>
    public string From { get; set; } = "no-reply@hit.local";

    public string FromName { get; set; } = "Hit";

    /// <summary>The failover list: provider names (<c>smtp</c>, <c>sendgrid</c>) tried in order.</summary>
    public IList<string> Providers { get; } = [];

    /// <summary>Per-namespace failover lists (<c>Email__Namespaces__acme__Providers__0</c>); the default list otherwise.</summary>
    public IDictionary<string, EmailNamespaceOptions> Namespaces { get; } = new Dictionary<string, EmailNamespaceOptions>(StringComparer.Ordinal);

    /// <summary>Transient-failure attempts on one provider before the next provider of the list takes over.</summary>
    public int AttemptsPerProvider { get; set; } = 3;

    /// <summary>Backoff after the first transient failure; doubled per attempt up to <see cref="MaxRetryDelay"/> (±20 % jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest a send may take. A delivery found in <c>sending</c> for longer was abandoned by a stopped worker and is
    /// failed with <c>outcome_unknown</c> instead of sent again; a younger one is looked at again when this has passed.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest accepted subject + HTML + text, in UTF-16 characters (Cosmos documents are at most 2 MB).</summary>
    public int MaxContentChars { get; set; } = 256 * 1024;

    /// <summary>How long delivery records are kept (Cosmos TTL).</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    public IReadOnlyList<string> ProvidersFor(string ns) =>
        Namespaces.TryGetValue(ns, out var own) && own.Providers.Count > 0 ? [.. own.Providers]
        : Providers.Count > 0 ? [.. Providers] : ["smtp"];
}

internal sealed class EmailNamespaceOptions
{
    public IList<string> Providers { get; } = [];
}

/// <summary>SMTP through MailKit (section <c>Email:Smtp</c>); maildev locally.</summary>
internal sealed class SmtpOptions
{
    public const string Section = "Email:Smtp";

    /// <summary>Empty = the SMTP provider is not configured.</summary>
    public string Host { get; set; } = "";

    /// <summary>Named <c>SmtpPort</c> so <c>./hit run</c> points it at the stack's maildev port.</summary>
    public int SmtpPort { get; set; } = 25;

    /// <summary><c>None</c>, <c>StartTls</c> (required), <c>StartTlsWhenAvailable</c>, <c>SslOnConnect</c> or <c>Auto</c> (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";

    /// <summary>Empty = no authentication.</summary>
    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections kept open for reuse (one send at a time each).</summary>
    public int PoolSize { get; set; } = 4;
}

/// <summary>The SendGrid v3 HTTP API (section <c>Email:SendGrid</c>).</summary>
internal sealed class SendGridOptions
{
    public const string Section = "Email:SendGrid";

    /// <summary>Empty = the SendGrid provider is not configured. A Key Vault secret in Azure.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The API's base address; tests point it at a fake server.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.sendgrid.com");

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Test hooks, allowed only in the Development environment (like <c>Hit:Testing:ClockOffset</c>).</summary>
internal sealed class EmailTestingOptions
{
    public const string Section = "Email:Testing";

    /// <summary>Kill the worker process right after a send to this recipient was confirmed, before it is recorded.</summary>
    public string CrashAfterSendTo { get; set; } = "";
}

internal sealed class EmailOptionsValidator(IOptions<SmtpOptions> smtp, IOptions<SendGridOptions> sendGrid) : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Queue) || !MimeKit.MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add("Email:Queue and a valid Email:From address are required.");
        }

        if (options.AttemptsPerProvider < 1 || options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay
            || options.MaxRetryDelay > TimeSpan.FromDays(6) || options.SendTimeout <= TimeSpan.Zero || options.MaxContentChars < 1024)
        {
            failures.Add("Email:AttemptsPerProvider, RetryDelay, MaxRetryDelay (at most 6 days, the queue's visibility limit), SendTimeout or MaxContentChars is out of range.");
        }

        foreach (var provider in options.Providers.Concat(options.Namespaces.Values.SelectMany(n => n.Providers)))
        {
            var configured = provider switch
            {
                Providers.SmtpProvider.ProviderName => smtp.Value.Host.Length > 0,
                Providers.SendGridProvider.ProviderName => sendGrid.Value.ApiKey.Length > 0,
                _ => false,
            };
            if (!configured)
            {
                failures.Add($"Email provider '{provider}' is unknown or not configured (Email:Smtp:Host, Email:SendGrid:ApiKey).");
            }
        }

        if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(smtp.Value.Security, ignoreCase: true, out _))
        {
            failures.Add("Email:Smtp:Security must be None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
