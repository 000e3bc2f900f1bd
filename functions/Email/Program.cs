using Hit.Email;
using Hit.Platform;
using Hit.Platform.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddHitPlatform();
// Service callers sign with HMAC; functions check it themselves (a user token is the other way in), so no middleware.
builder.AddHitHmacSignatures(EmailOptions.HmacSection, enforce: false);
// Service callers act in the namespace X-Hit-Namespace names, checked by each function (EmailCallers: a bearer token,
// whose namespace wins, or an HMAC signature; anyone else is 401), so the platform need not refuse the header first.
builder.Services.Configure<PlatformOptions>(o => o.AnonymousNamespaceHeader = true);
builder.Services.AddEmailStore(builder.Configuration, builder.Environment);
builder.Services.AddTemplates();
builder.Services.AddProviders();
builder.Services.AddDeliveries(builder.Configuration);

builder.Build().Run();
