using Hit.Platform.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>
/// HMAC request signing for the user API (settings in <c>Directory:Hmac</c>, e.g. <c>Directory__Hmac__Secrets__0</c>):
/// the functions marked <see cref="RequireHmacSignatureAttribute"/> (all of <c>/users</c>) are verified by the
/// platform's worker middleware.
/// </summary>
internal static class DirectorySigning
{
    public const string HmacSection = "Directory:Hmac";

    public static FunctionsApplicationBuilder AddDirectorySigning(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddOptions<DirectoryOptions>().BindConfiguration(DirectoryOptions.Section);
        // Read once at start, like the route table it used to shape: the benchmark starts a separate host for each mode.
        var enforce = builder.Configuration.GetValue($"{DirectoryOptions.Section}:{nameof(DirectoryOptions.RequireSignature)}", defaultValue: true);
        builder.AddHitHmacSignatures(HmacSection, enforce);
        return builder;
    }
}
