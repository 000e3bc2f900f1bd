using Azure.Core;
using Azure.Core.Pipeline;

namespace Hit.Platform.Storage.Auth;

/// <summary>Pins the REST API version on every request (the service otherwise assumes an ancient one).</summary>
internal sealed class StorageVersionPolicy : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue("x-ms-version", StorageClientOptions.ServiceVersion);
}
