using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hit.Platform;

/// <summary>Platform-wide settings (section <c>Hit</c>), validated on start.</summary>
public sealed class PlatformOptions
{
    public const string Section = "Hit";

    /// <summary>The namespace used when a request names none.</summary>
    [Required]
    [RegularExpression(Tenancy.TenantNamespace.Pattern)]
    public string DefaultNamespace { get; set; } = "default";

    /// <summary>Service name reported to telemetry; defaults to the entry assembly name.</summary>
    public string? ServiceName { get; set; }
}

/// <summary>Source-generated validation of the data annotations above (no reflection at start-up).</summary>
[OptionsValidator]
internal sealed partial class PlatformOptionsValidator : IValidateOptions<PlatformOptions>;
