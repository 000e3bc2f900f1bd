using Hit.Platform.Cosmos;
using Hit.Platform.Health;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.PingPong.Counters;

internal static class CounterServices
{
    public const string ContainerName = "pingpong";

    /// <summary>The counters' Cosmos container, its readiness check, and the store the functions use.</summary>
    public static IServiceCollection AddCounters(this IServiceCollection services)
    {
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, CounterJsonContext.Default));
        services.AddHitCosmosContainer(ContainerName);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddSingleton<CounterStore>();
        return services;
    }
}
