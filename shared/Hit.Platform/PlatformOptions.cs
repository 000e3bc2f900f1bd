using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hit.Contracts;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// The body cap of an HTTP function that declares none (<see cref="Http.RequestBodyLimitAttribute"/>): small, since
    /// most functions take a few fields of JSON, and a function that needs more says so next to its code.
    /// </summary>
    [Range(0, int.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = Http.JsonBody.DefaultMaxBytes;

    /// <summary>
    /// Whether a caller without a token may choose a namespace other than the default with <c>X-Hit-Namespace</c>
    /// alone (default false: refused with 401 <c>namespace_requires_token</c>). Only for apps whose anonymous use is
    /// harmless (PingPong's demo) or whose functions authenticate the caller themselves (Auth's sign-up and sign-in,
    /// Email's and Directory's service signatures). An HMAC v2 signature that the platform verifies counts as a credential.
    /// </summary>
    public bool AnonymousNamespaceHeader { get; set; }

    /// <summary>Service name reported to telemetry; defaults to the entry assembly name.</summary>
    public string? ServiceName { get; set; }
}

/// <summary>Source-generated validation of the data annotations above (no reflection at start-up).</summary>
[OptionsValidator]
internal sealed partial class PlatformOptionsValidator : IValidateOptions<PlatformOptions>;

internal static class PlatformOptionsRegistration
{
    /// <summary>Binds <see cref="PlatformOptions"/> and fails start-up when they are invalid.</summary>
    public static IServiceCollection AddHitPlatformOptions(this IServiceCollection services)
    {
        services.AddOptions<PlatformOptions>()
            .BindConfiguration(PlatformOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlatformOptions>, PlatformOptionsValidator>();
        return services;
    }
}

internal static class PlatformJson
{
    /// <summary>
    /// The contracts' source-generated metadata first (no reflection for the platform's DTOs), then reflection for
    /// anything an app serializes that is not in a context yet.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.TypeInfoResolverChain.Insert(0, HitJsonContext.Default);
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
    }
}
