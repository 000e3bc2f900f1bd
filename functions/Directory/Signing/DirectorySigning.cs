using Microsoft.Extensions.Options;

namespace Hit.Directory.Signing;

/// <summary>Directory settings (section <c>Directory</c>).</summary>
internal sealed class DirectoryOptions
{
    public const string Section = "Directory";

    /// <summary>
    /// Whether <c>/users</c> needs a signed request. On everywhere real; the signature-overhead benchmark turns it off to
    /// measure the unsigned baseline.
    /// </summary>
    public bool RequireSignature { get; set; } = true;
}

/// <summary>HMAC request signing for the user API (settings in <c>Directory:Hmac</c>, e.g. <c>Directory__Hmac__Secrets__0</c>).</summary>
internal static class DirectorySigning
{
    public const string HmacSection = "Directory:Hmac";

    public static IServiceCollection AddDirectorySigning(this IServiceCollection services)
    {
        services.AddOptions<DirectoryOptions>().BindConfiguration(DirectoryOptions.Section);
        services.AddAuthentication().AddHitHmac(HmacSection);
        return services;
    }

    public static RouteGroupBuilder RequireDirectorySignature(this RouteGroupBuilder group, IEndpointRouteBuilder app) =>
        app.ServiceProvider.GetRequiredService<IOptions<DirectoryOptions>>().Value.RequireSignature ? group.RequireHmacSignature() : group;
}
