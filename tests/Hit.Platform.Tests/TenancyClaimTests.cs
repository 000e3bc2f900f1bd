using System.Security.Claims;
using System.Text.Encodings.Web;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Tests;

public sealed class TenancyClaimTests
{
    [Fact]
    public async Task Namespace_AuthenticatedCallersClaim_WinsOverTheHeader()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/ns", (TenantNamespace ns) => ns.Value).WithName("Ns"),
            b => b.Services.AddAuthentication(HeaderIdentity.Name).AddScheme<AuthenticationSchemeOptions, HeaderIdentity>(HeaderIdentity.Name, null));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ns");
        request.Headers.Add("X-Test-Ns", "tenant-from-token");
        request.Headers.Add(TenantNamespace.HeaderName, "other-tenant");

        var response = await app.Client.SendAsync(request);

        // A header must not move an authenticated caller into another tenant.
        Assert.Equal("tenant-from-token", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Authenticates whoever sends X-Test-Ns, with that value as the ns claim (stands in for a token).</summary>
    private sealed class HeaderIdentity(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var ns = Request.Headers["X-Test-Ns"].ToString();
            if (ns.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(TenantNamespace.ClaimType, ns)], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}
