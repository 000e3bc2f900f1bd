using Microsoft.Extensions.Options;

namespace Hit.Auth;

/// <summary>Settings of the auth app (section <c>Auth</c>, e.g. <c>Auth__KeyEncryptionKey</c>).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Base64 of 32 random bytes. Encrypts signing keys and session secrets at rest (AES-256-GCM).</summary>
    public string KeyEncryptionKey { get; set; } = "";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Absolute lifetime of a session (its refresh-token family).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the parent of a rotated refresh token still answers with the current one — only to a request with the
    /// rotating request's client binding (<see cref="Sessions.SessionStore.ClientBinding"/>: a concurrent or retried refresh of
    /// the same client). 0 turns the window off.
    /// </summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the current signing key signs before the standby key takes over.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the key ring is cached in memory (other instances see a rotation within this time).</summary>
    public TimeSpan KeyRingCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed logins before an account locks.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>First lockout; each further failure doubles it up to <see cref="LockoutMax"/>.</summary>
    public TimeSpan LockoutBase { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LockoutMax { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan EmailVerificationLifetime { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The queue the email app consumes.</summary>
    public string EmailQueue { get; set; } = "email";

    /// <summary>Base of the links put in mails (a front-end page that posts the token back).</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:7071/auth/");
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!IsKey(options.KeyEncryptionKey))
        {
            failures.Add("Auth:KeyEncryptionKey must be base64 of exactly 32 bytes.");
        }

        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.AccessTokenLifetime > TimeSpan.FromHours(24))
        {
            failures.Add("Auth:AccessTokenLifetime must be between 0 and 24 hours.");
        }

        if (options.SessionLifetime <= options.AccessTokenLifetime)
        {
            failures.Add("Auth:SessionLifetime must be longer than the access token lifetime.");
        }

        if (options.RefreshReuseGrace < TimeSpan.Zero || options.RefreshReuseGrace > TimeSpan.FromMinutes(1))
        {
            failures.Add("Auth:RefreshReuseGrace must be between 0 and 60 seconds.");
        }

        if (options.LockoutThreshold < 1 || options.LockoutBase <= TimeSpan.Zero || options.LockoutMax < options.LockoutBase)
        {
            failures.Add("Auth:Lockout settings are invalid.");
        }

        if (options.KeyRotationInterval <= TimeSpan.Zero || options.KeyRingCacheDuration < TimeSpan.Zero)
        {
            failures.Add("Auth:KeyRotationInterval must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.EmailQueue) || !options.PublicBaseUrl.IsAbsoluteUri)
        {
            failures.Add("Auth:EmailQueue and an absolute Auth:PublicBaseUrl are required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[48];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
