using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Large-upload tests forward bodies past Kestrel's default 30 MB cap to Echo.
builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = null);
builder.Build().Run();
