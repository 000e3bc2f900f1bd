using System.Diagnostics.CodeAnalysis;
using Hit.Sdk;
using Hit.Sdk.Counters;
using Hit.Sdk.Directory;
using Hit.Sdk.Resumes;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI registration of the Hit clients as typed <see cref="HttpClient"/> clients (IHttpClientFactory).</summary>
public static class HitSdkServiceCollectionExtensions
{
    public const string DirectoryClientName = "Hit.Sdk.Directory";
    public const string CounterClientName = "Hit.Sdk.Counters";
    public const string ResumesClientName = "Hit.Sdk.Resumes";

    /// <summary>Registers <see cref="DirectoryClient"/>: base address, namespace, signing, bearer token and retries from <paramref name="configure"/>.</summary>
    public static IHttpClientBuilder AddHitDirectoryClient(this IServiceCollection services, Action<HitClientOptions> configure) =>
        services.AddHitClient<DirectoryClient>(DirectoryClientName, configure);

    /// <summary>Registers <see cref="CounterClient"/> (the ping-pong app).</summary>
    public static IHttpClientBuilder AddHitCounterClient(this IServiceCollection services, Action<HitClientOptions> configure) =>
        services.AddHitClient<CounterClient>(CounterClientName, configure);

    /// <summary>Registers <see cref="ResumesClient"/> (the resumes app; set an access token provider).</summary>
    public static IHttpClientBuilder AddHitResumesClient(this IServiceCollection services, Action<HitClientOptions> configure) =>
        services.AddHitClient<ResumesClient>(ResumesClientName, configure);

    private static IHttpClientBuilder AddHitClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this IServiceCollection services, string name, Action<HitClientOptions> configure)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HitClientOptions>(name).Configure(configure);
        return services
            .AddHttpClient<TClient>(name, (provider, http) => Options(provider, name).Apply(http))
            .ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
            {
                foreach (var handler in Options(provider, name).CreateHandlers())
                {
                    handlers.Add(handler);
                }
            });
    }

    private static HitClientOptions Options(IServiceProvider provider, string name) =>
        provider.GetRequiredService<IOptionsMonitor<HitClientOptions>>().Get(name);
}
