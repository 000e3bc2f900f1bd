using System.Net.Http.Headers;
using Hit.LocalHost;
using Hit.Testing;

namespace Hit.Resumes.Tests;

/// <summary>
/// The built resumes app root under the local Functions host, trusting a <see cref="TestTokenIssuer"/>, with the built
/// files app beside it (the attachment check calls its API), against the stack <c>./hit test</c> started.
/// </summary>
public sealed class ResumesFixture : IAsyncLifetime
{
    private LocalFunctionsHost? _resumes;
    private LocalFunctionsHost? _files;

    public TestTokenIssuer Issuer { get; private set; } = null!;

    public Uri BaseAddress => (_resumes ?? throw new InvalidOperationException("Not started.")).BaseAddress;

    public Uri FilesAddress => (_files ?? throw new InvalidOperationException("Not started.")).BaseAddress;

    public async Task InitializeAsync()
    {
        Issuer = await TestTokenIssuer.StartAsync();
        var common = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-tests")))
        {
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in Issuer.Settings)
        {
            common[key] = value;
        }

        _files = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("Files"),
            AppName = "files",
            // Attachments need only the files API; the thumbnail trigger stays with the Files tests' own host.
            Settings = new Dictionary<string, string?>(common) { ["AzureWebJobs.MakeThumbnail.Disabled"] = "true" },
        });
        await _files.StartAsync();

        _resumes = new LocalFunctionsHost(new LocalFunctionsHostOptions
        {
            AppRoot = TestStack.AppRoot("Resumes"),
            AppName = "resumes",
            Settings = new Dictionary<string, string?>(common) { ["Resumes__FilesBaseUrl"] = _files.BaseAddress.ToString() },
        });
        await _resumes.StartAsync();
    }

    /// <summary>A client of the resumes app acting as <paramref name="userId"/> in <paramref name="ns"/> (no token when null).</summary>
    public HttpClient Client(string ns, string? userId) => Authorized(new HttpClient { BaseAddress = BaseAddress }, ns, userId);

    public HttpClient FilesClient(string ns, string userId) => Authorized(new HttpClient { BaseAddress = FilesAddress }, ns, userId);

    public static string NewNamespace() => "r" + Guid.NewGuid().ToString("N")[..20];

    private HttpClient Authorized(HttpClient client, string ns, string? userId)
    {
        if (userId is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Issuer.Token(ns, userId));
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (_resumes is not null)
        {
            await _resumes.DisposeAsync();
        }

        if (_files is not null)
        {
            await _files.DisposeAsync();
        }

        await Issuer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ResumesCollection : ICollectionFixture<ResumesFixture>
{
    public const string Name = "resumes";
}
