using Hit.Directory.Docs;
using Hit.Directory.Envelope;
using Hit.Directory.Origins;
using Hit.Directory.Service;
using Hit.Directory.Signing;
using Hit.Directory.Users;
using Hit.Platform.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
// The allow-list goes first: a foreign origin is refused before anything else, and CORS headers reach every answer.
builder.AddHitPlatform(firstChecks: app => app.UseDirectoryOrigins());
builder.AddDirectorySigning();
builder.Services.AddDirectoryEnvelope();
builder.Services.AddDirectoryOrigins();
builder.Services.AddUsers();
builder.Services.AddServiceInfo();
builder.Services.AddDirectoryDocs();

builder.Build().Run();
