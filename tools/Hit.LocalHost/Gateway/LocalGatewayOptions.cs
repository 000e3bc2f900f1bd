using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hit.LocalHost.Gateway;

/// <summary>Options for <see cref="LocalGateway"/>.</summary>
public sealed class LocalGatewayOptions
{
    /// <summary>The gateway port on 127.0.0.1 (Core Tools' 7071 by default); 0 picks a free port.</summary>
    public int Port { get; init; } = 7071;

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
