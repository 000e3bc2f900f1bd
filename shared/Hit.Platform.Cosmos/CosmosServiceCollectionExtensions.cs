using System.Text.Json;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CosmosOptions"/> (section <c>Cosmos</c>, validated on start) and a singleton
    /// <see cref="CosmosClient"/> that serializes with System.Text.Json (web defaults).
    /// </summary>
    /// <param name="configureJson">Adds the app's source-generated contexts, e.g.
    /// <c>o => o.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)</c>.</param>
    public static IServiceCollection AddHitCosmos(this IServiceCollection services, Action<JsonSerializerOptions>? configureJson = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // JSON configuration accumulates, so it takes effect whichever Add… call registered the client first.
        if (configureJson is not null)
        {
            services.Configure<CosmosJsonOptions>(o => configureJson(o.SerializerOptions));
        }

        if (services.Any(d => d.ServiceType == typeof(CosmosRegistrationMarker)))
        {
            return services;
        }

        services.AddSingleton<CosmosRegistrationMarker>();
        services.AddOptions<CosmosOptions>().BindConfiguration(CosmosOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CosmosOptions>, CosmosOptionsValidator>());

        // One client per process: it owns connection pools and the account's metadata caches.
        services.AddSingleton(sp => CosmosClientFactory.Create(
            sp.GetRequiredService<IOptions<CosmosOptions>>().Value,
            CosmosClientFactory.WithReflectionFallback(sp.GetRequiredService<IOptions<CosmosJsonOptions>>().Value.SerializerOptions)));

        return services;
    }

    /// <summary>
    /// Declares an app container (partition key <c>/pk</c>). Inject it as the keyed service
    /// <c>[FromKeyedServices("name")] HitContainer</c>; the first container declared is also the
    /// un-keyed <see cref="HitContainer"/>.
    /// </summary>
    /// <param name="defaultTtl">Default TTL in seconds for documents (-1 = TTL enabled without a default, null = off).</param>
    public static IServiceCollection AddHitCosmosContainer(this IServiceCollection services, string name, int? defaultTtl = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (defaultTtl is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultTtl), defaultTtl, "Use null (off), -1 (on, no default) or a positive number of seconds.");
        }

        // Feature modules of one app may each declare the app's container; that is fine as long as they agree.
        var existing = services
            .Select(d => d.ImplementationInstance)
            .OfType<HitContainerRegistration>()
            .FirstOrDefault(r => r.Name == name);
        if (existing is not null)
        {
            return existing.DefaultTtl == defaultTtl
                ? services
                : throw new InvalidOperationException($"Cosmos container '{name}' is already declared with a different default TTL.");
        }

        services.AddHitCosmos();
        services.AddKeyedSingleton(name, (sp, _) => new HitContainer(
            sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>(),
            sp.GetRequiredService<ILogger<HitContainer>>(),
            name,
            defaultTtl));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<HitContainer>(name));

        // The health check enumerates all declared containers through this un-keyed collection.
        services.AddSingleton(new HitContainerRegistration(name, defaultTtl));
        return services;
    }

    /// <summary>
    /// Adds a readiness check that reads every declared container (tagged <c>ready</c> for <c>/readyz</c>).
    /// </summary>
    public static IHealthChecksBuilder AddHitCosmosCheck(this IHealthChecksBuilder builder, string name = "cosmos", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new CosmosHealthCheck(
                sp.GetServices<HitContainerRegistration>().Select(r => sp.GetRequiredKeyedService<HitContainer>(r.Name)).ToArray(),
                sp.GetRequiredService<ILogger<CosmosHealthCheck>>()),
            HealthStatus.Unhealthy,
            tags.Length == 0 ? ["ready"] : tags,
            TimeSpan.FromSeconds(10)));
    }
}
