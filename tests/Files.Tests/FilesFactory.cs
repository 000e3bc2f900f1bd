using Hit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hit.Files.Tests;

/// <summary>The files app in-process, against the real local Cosmos server and Azurite the test run started.</summary>
public sealed class FilesFactory : WebApplicationFactory<Program>
{
    /// <summary>A small upload limit, so the 413 tests do not have to send 100 MB.</summary>
    public const long MaxUploadBytes = 2 * 1024 * 1024;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in TestStack.Settings(database: "hit-tests"))
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Files:Buckets:0", "chat-bucket");
        builder.UseSetting("Files:Buckets:1", "avatars");
        builder.UseSetting("Files:MaxUploadBytes", MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public HttpClient Client(string ns)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Hit-Namespace", ns);
        return client;
    }

    public static string NewNamespace() => "t" + Guid.NewGuid().ToString("N")[..20];
}
