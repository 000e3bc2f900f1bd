using Hit.Sdk;
using Hit.Sdk.Directory;
using Hit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hit.Directory.Tests;

/// <summary>The directory in-process, against the real local Cosmos server the test run started.</summary>
public sealed class DirectoryFactory : WebApplicationFactory<Program>
{
    public const string Secret = "directory-tests-secret-0123456789";
    public const string RotatedSecret = "directory-tests-rotated-secret-9876543210";

    /// <summary>A namespace configured to accept only signature version 2.</summary>
    public const string V2OnlyNamespace = "v2only";

    public static Uri BaseAddress { get; } = new("http://localhost/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in TestStack.Settings(database: "hit-tests"))
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Directory:Hmac:Secrets:0", Secret);
        builder.UseSetting("Directory:Hmac:Secrets:1", RotatedSecret);
        builder.UseSetting($"Directory:Hmac:Namespaces:{V2OnlyNamespace}:AcceptedVersions:0", "2");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>An SDK client over the in-process server, signing with <paramref name="secret"/> (none when null).</summary>
    public DirectoryClient Sdk(string ns, int version = 2, string? secret = Secret, TimeProvider? time = null)
    {
        var options = new HitClientOptions
        {
            BaseAddress = BaseAddress,
            Namespace = ns,
            HmacSecret = secret,
            SignatureVersion = version,
            TimeProvider = time ?? TimeProvider.System,
        };
        options.Retry.MaxRetryAttempts = 0;
        var http = CreateDefaultClient(BaseAddress, [.. options.CreateHandlers()]);
        http.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        return new DirectoryClient(http);
    }

    public static string NewNamespace() => "t" + Guid.NewGuid().ToString("N")[..20];
}
