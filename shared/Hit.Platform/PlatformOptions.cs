using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hit.Platform;

/// <summary>Platform-wide settings (section <c>Hit</c>).</summary>
public sealed class PlatformOptions
{
    public const string Section = "Hit";

    /// <summary>The namespace used when a request names none.</summary>
    public string DefaultNamespace { get; set; } = "default";

    /// <summary>Service name reported to telemetry; defaults to the entry assembly name.</summary>
    public string? ServiceName { get; set; }
}

internal sealed partial class PlatformOptionsValidator : IValidateOptions<PlatformOptions>
{
    public ValidateOptionsResult Validate(string? name, PlatformOptions options) =>
        Tenancy.TenantNamespace.IsValid(options.DefaultNamespace)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PlatformOptions.Section}:{nameof(PlatformOptions.DefaultNamespace)} must match {Tenancy.TenantNamespace.Pattern}.");
}
