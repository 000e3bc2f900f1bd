using Hit.Auth;
using Hit.Auth.Mail;
using Hit.Auth.Safety;
using Hit.Auth.Ticketing;
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
builder.AddSafety();

builder.Build().Run();
