using Hit.Email;
using Hit.Platform.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddHitPlatform();
// Service callers sign with HMAC; functions check it themselves (a user token is the other way in), so no middleware.
builder.AddHitHmacSignatures(EmailOptions.HmacSection, enforce: false);
builder.Services.AddEmailStore(builder.Configuration, builder.Environment);
builder.Services.AddTemplates();
builder.Services.AddProviders();
builder.Services.AddDeliveries(builder.Configuration);

builder.Build().Run();
