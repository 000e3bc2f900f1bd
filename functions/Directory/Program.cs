using Hit.Directory.Docs;
using Hit.Directory.Envelope;
using Hit.Directory.Origins;
using Hit.Directory.Service;
using Hit.Directory.Signing;
using Hit.Directory.Users;
using Hit.Platform;

var builder = FunctionsApp.CreateBuilder(args);
builder.Services.AddDirectoryEnvelope();
builder.Services.AddDirectoryOrigins();
builder.Services.AddDirectorySigning();
builder.Services.AddUsers();
builder.Services.AddServiceInfo();
builder.Services.AddDirectoryDocs();

var app = builder.Build();
app.UseDirectoryOrigins();   // first: a foreign origin is refused before anything else, and CORS headers reach every answer
app.UseHitPlatform();
app.MapServiceFunctions();
app.MapUserFunctions();
app.MapDirectoryDocs();
app.MapCorsPreflight();

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
