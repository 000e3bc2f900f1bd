using Hit.Directory.Docs;
using Hit.Directory.Envelope;
using Hit.Directory.Origins;
using Hit.Directory.Service;
using Hit.Directory.Signing;
using Hit.Directory.Users;
using Hit.Platform;
using Hit.Platform.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
// The allow-list goes first: a foreign origin is refused before anything else, and CORS headers reach every answer.
builder.AddHitPlatform(firstChecks: app => app.UseDirectoryOrigins());
builder.AddDirectorySigning();
// The namespace of a service call is X-Hit-Namespace. An HMAC v2 signature covers it (the platform would accept it on its
// own), but v1 — the HackIt seed's METHOD:PATH:TIMESTAMP, kept for its clients — does not, and the anonymous GET /
// reports the named namespace's accepted signature versions. A namespace that needs the header bound accepts only v2
// (Directory:Hmac:Namespaces:<ns>:AcceptedVersions).
builder.Services.Configure<PlatformOptions>(o => o.AnonymousNamespaceHeader = true);
builder.Services.AddDirectoryEnvelope();
builder.Services.AddDirectoryOrigins();
builder.Services.AddUsers();
builder.Services.AddServiceInfo();
builder.Services.AddDirectoryDocs();

builder.Build().Run();
