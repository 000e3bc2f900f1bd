using Hit.Platform.Worker;
using Hit.Resumes.Attachments;
using Hit.Resumes.Resumes;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddHitPlatform();
builder.Services.AddResumes();        // Resumes/     POST/GET/PUT/DELETE /resumes…, the owner from the access token
builder.Services.AddAttachments();    // Attachments/ a linked PDF must exist in the Files app, in the caller's namespace

builder.Build().Run();
