using Hit.Files.Thumbnails;
using Hit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Files.Tests;

/// <summary>
/// The app's own services in-process — exactly what Program.cs registers for storage, Cosmos and thumbnails,
/// without a worker — for tests that call a class (the thumbnail processor) directly against Azurite and the Cosmos server.
/// </summary>
public sealed class FilesServicesFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public FilesServicesFixture()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(TestStack.Settings(database: "hit-tests"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Files:Buckets:0"] = "chat-bucket",
                ["Files:Buckets:1"] = "avatars",
                ["Files:MaxUploadBytes"] = FilesApp.MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddFilesCore();
        services.AddThumbnails();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IServiceProvider Services => _services;

    public void Dispose() => _services.Dispose();
}
