using Hit.Platform;
using Hit.PingPong.Counters;

var builder = FunctionsApp.CreateBuilder(args);
builder.Services.AddCounters();

var app = builder.Build();
app.UseHitPlatform();
app.MapCounterFunctions();

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
