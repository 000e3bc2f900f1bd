using Hit.Auth;
using Hit.Auth.Accounts;
using Hit.Auth.Keys;
using Hit.Auth.Mail;
using Hit.Auth.OAuth;
using Hit.Auth.Ticketing;
using Hit.Platform;

var builder = FunctionsApp.CreateBuilder(args);
builder.Services.AddAuthApp();

var app = builder.Build();
app.UseHitPlatform();
app.UseRateLimiter();
app.MapJwksFunctions();
app.MapAuthFunctions();
app.MapAccountMailFunctions();
app.MapTicketingFunctions();
app.MapOAuthFunctions();

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
