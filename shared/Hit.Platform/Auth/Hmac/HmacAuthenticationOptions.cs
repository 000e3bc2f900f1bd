using Microsoft.Extensions.Options;

namespace Hit.Platform.Auth.Hmac;

/// <summary>
/// Settings of HMAC-SHA256 request signatures, bound from the section the app names
/// (the directory uses <c>Directory:Hmac</c>, i.e. <c>Directory__Hmac__Secrets__0</c>).
/// </summary>
public sealed class HmacAuthenticationOptions
{
    /// <summary>Versions accepted when neither the namespace nor <see cref="AcceptedVersions"/> says otherwise.</summary>
    public static readonly IReadOnlyList<int> DefaultVersions = [1, 2];

    /// <summary>
    /// Every active secret. A signature made with any of them is valid, so a secret is rotated by adding the new one,
    /// moving clients over, then removing the old one.
    /// </summary>
    public IList<string> Secrets { get; } = [];

    /// <summary>How far a request's timestamp may be from the server's clock, either way (seconds).</summary>
    public int WindowSeconds { get; set; } = 300;

    /// <summary>Signature versions accepted by default (empty = 1 and 2).</summary>
    public IList<int> AcceptedVersions { get; } = [];

    /// <summary>Per-namespace overrides (e.g. <c>Namespaces:acme:AcceptedVersions:0 = 2</c> to refuse v1 there).</summary>
    public IDictionary<string, HmacNamespaceOptions> Namespaces { get; } = new Dictionary<string, HmacNamespaceOptions>(StringComparer.Ordinal);

    /// <summary>The largest body a v2 signature is checked over; larger bodies are refused (413).</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The versions a namespace accepts.</summary>
    public IReadOnlyList<int> VersionsFor(string ns) =>
        Namespaces.TryGetValue(ns, out var options) && options.AcceptedVersions.Count > 0 ? [.. options.AcceptedVersions]
        : AcceptedVersions.Count > 0 ? [.. AcceptedVersions]
        : DefaultVersions;
}

/// <summary>Signature settings of one namespace.</summary>
public sealed class HmacNamespaceOptions
{
    public IList<int> AcceptedVersions { get; } = [];
}

internal sealed class HmacAuthenticationOptionsValidator(string section) : IValidateOptions<HmacAuthenticationOptions>
{
    // Shorter secrets make brute-forcing a captured signature practical.
    internal const int MinSecretLength = 16;
    internal const string UnresolvedKeyVaultReference = "@Microsoft.KeyVault(";

    public ValidateOptionsResult Validate(string? name, HmacAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Secrets.Count == 0)
        {
            errors.Add($"{section}:Secrets needs at least one secret (e.g. {section.Replace(":", "__", StringComparison.Ordinal)}__Secrets__0).");
        }

        if (options.Secrets.Any(s => s is null || s.Length < MinSecretLength))
        {
            errors.Add($"Every {section}:Secrets entry must be at least {MinSecretLength} characters.");
        }

        // App Service leaves a Key Vault reference it cannot resolve (secret not set yet, no access) as the setting's
        // literal text; that text is long enough and anyone can rebuild it from the vault's name, so it is refused.
        if (options.Secrets.Any(s => s is not null && s.TrimStart().StartsWith(UnresolvedKeyVaultReference, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"A {section}:Secrets entry is an unresolved Key Vault reference: set the secret in the vault (infra/README.md, \"Secrets\") and give the app access.");
        }

        if (options.WindowSeconds is < 1 or > 3600)
        {
            errors.Add($"{section}:WindowSeconds must be between 1 and 3600.");
        }

        if (options.MaxBodyBytes < 0)
        {
            errors.Add($"{section}:MaxBodyBytes must not be negative.");
        }

        foreach (var (ns, versions) in options.Namespaces.Select(n => (n.Key, n.Value.AcceptedVersions)).Append(("(default)", options.AcceptedVersions)))
        {
            if (versions.Any(v => v is not (1 or 2)))
            {
                errors.Add($"{section}: accepted versions of {ns} must be 1 or 2.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
