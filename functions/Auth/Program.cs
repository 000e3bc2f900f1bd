using Hit.Auth;
using Hit.Auth.Mail;
using Hit.Auth.Safety;
using Hit.Auth.Ticketing;
using Hit.Platform;
using Hit.Platform.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddHitPlatform();
builder.Services.AddAuthStore(builder.Configuration, builder.Environment);
builder.Services.AddKeys();
builder.Services.AddTokens();
builder.Services.AddAccounts();
builder.Services.AddSessions();
builder.Services.AddMail(builder.Configuration);
builder.Services.AddOAuth();
builder.Services.AddTicketingErrors();
builder.Services.AddAnonymousFunctions();
// Sign-up, sign-in, refresh, password reset and OAuth are anonymous by nature and name their namespace with
// X-Hit-Namespace (a token's namespace still wins, and functions that need a user refuse a mismatching header).
builder.Services.Configure<PlatformOptions>(o => o.AnonymousNamespaceHeader = true);
builder.AddSafety();

builder.Build().Run();
