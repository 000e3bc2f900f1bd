using Hit.Platform.Worker;
using Hit.PingPong.Counters;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddHitPlatform();
builder.Services.AddCounters();

builder.Build().Run();
