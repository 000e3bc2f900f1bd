using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Auth.OAuth;

/// <summary>Where sign-in attempts (<see cref="OAuthStateDocument"/>) live: the auth container.</summary>
internal sealed class OAuthStateStore([FromKeyedServices(AuthStore.ContainerName)] HitContainer store)
{
    public ValueTask<Container> GetContainerAsync(CancellationToken cancellationToken) => store.GetContainerAsync(cancellationToken);
}
