using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Http;

/// <summary>Builds a minimal Kestrel-only <see cref="WebApplication"/> bound to 127.0.0.1.</summary>
internal static class LoopbackServer
{
    public static WebApplication Create(int port, string contentRoot)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, port);
            // The Azure front end accepts up to 100 MB per request (reference §3).
            options.Limits.MaxRequestBodySize = 100L * 1024 * 1024;
        });
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    public static Uri GetAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
