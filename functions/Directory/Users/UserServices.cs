using Hit.Platform.Cosmos;
using Hit.Platform.Health;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Directory.Users;

internal static class UserServices
{
    public const string ContainerName = "directory";

    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, UserJsonContext.Default));
        services.AddHitCosmosContainer(ContainerName);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddOptions<UsersOptions>().BindConfiguration(UsersOptions.Section).ValidateOnStart()
            .Validate(o => o.ClaimGraceSeconds is >= 1 and <= 3600, $"{UsersOptions.Section}:ClaimGraceSeconds must be 1–3600.");
        services.AddSingleton<UserStore>();
        return services;
    }
}
