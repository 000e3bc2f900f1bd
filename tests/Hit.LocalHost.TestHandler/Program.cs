using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Hit.LocalHost.TestHandler;

// The readiness test needs a handler that takes a while before it listens.
if (int.TryParse(Environment.GetEnvironmentVariable("TEST_STARTUP_DELAY_MS"), CultureInfo.InvariantCulture, out var startupDelay))
{
    Thread.Sleep(startupDelay);
}

// Output relay test: the host logs stdout as information, stderr as error (warning when it says "warn").
if (Environment.GetEnvironmentVariable("TEST_WRITE_OUTPUT") == "true")
{
    Console.Out.WriteLine("stdout line from handler");
    Console.Error.WriteLine("warn: stderr warning from handler");
    Console.Error.WriteLine("stderr failure from handler");
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
// The large-body test streams 64 MB through the host; Kestrel's default cap is 30 MB.
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null);
var app = builder.Build();
var state = new HandlerState();

app.MapGet("/", () => "ready");

app.MapGet("/_test/invocations/{function}", (string function) =>
    Results.Text(new JsonArray(state.Invocations(function).Select(i => (JsonNode)i.ToJson()).ToArray()).ToJsonString(), "application/json"));

app.MapPost("/_test/mode/{function}", async (string function, HttpRequest request) =>
{
    var mode = await JsonNode.ParseAsync(request.Body);
    state.Modes[function] = new FunctionMode(
        mode?["fail"]?.GetValue<bool>() ?? false,
        mode?["response"]?.ToJsonString());
    return Results.NoContent();
});

app.MapGet("/_test/pid", () => Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

app.MapPost("/_test/crash", () =>
{
    _ = Task.Run(async () =>
    {
        await Task.Delay(50);
        Environment.Exit(3);
    });
    return Results.Accepted();
});

app.MapPost("/_test/spawn", () =>
{
    using var child = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
    return child.Id.ToString(CultureInfo.InvariantCulture);
});

// Forwarded HTTP: echo the request back (body verbatim, request line and headers as X-Req-* headers).
app.Map("/echo/{**rest}", EchoAsync);
// Any other path echoes too, so tests can declare whatever routes they need (e.g. with a routePrefix).
app.Map("/{**any}", EchoAsync).WithOrder(int.MaxValue);

static async Task EchoAsync(HttpContext context)
{
    var request = context.Request;
    var response = context.Response;
    response.StatusCode = int.TryParse(request.Query["status"], CultureInfo.InvariantCulture, out var status) ? status : 200;
    response.Headers["X-Handler"] = "test-handler";
    response.Headers["X-Req-Method"] = request.Method;
    response.Headers["X-Req-Target"] = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
    foreach (var (name, values) in request.Headers)
    {
        response.Headers["X-Req-" + name] = values;
    }

    response.Headers.Append("Set-Cookie", "a=1; Path=/");
    response.Headers.Append("Set-Cookie", "b=2; Path=/");
    response.ContentType = request.ContentType ?? "application/octet-stream";
    await request.Body.CopyToAsync(response.Body);
}

app.MapGet("/redirect", () => Results.Redirect("/elsewhere"));

app.MapGet("/large/{size:long}", async (long size, HttpResponse response) =>
{
    response.ContentType = "application/octet-stream";
    var chunk = new byte[64 * 1024];
    for (var i = 0; i < chunk.Length; i++)
    {
        chunk[i] = (byte)(i % 251);
    }

    for (long sent = 0; sent < size; sent += chunk.Length)
    {
        await response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - sent)));
    }
});

app.MapPost("/upload-count", async (HttpRequest request) =>
{
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    var buffer = new byte[64 * 1024];
    long count = 0;
    int read;
    while ((read = await request.Body.ReadAsync(buffer)) > 0)
    {
        hash.AppendData(buffer, 0, read);
        count += read;
    }

    return Results.Text($"{count} {Convert.ToHexString(hash.GetHashAndReset())}");
});

// Streams a first line, then holds the response open until released (proves the host does not buffer).
app.MapGet("/slow", async (HttpResponse response) =>
{
    response.ContentType = "text/plain";
    await response.WriteAsync("first\n");
    await response.Body.FlushAsync();
    await Task.WhenAny(state.Release.Task, Task.Delay(TimeSpan.FromSeconds(10)));
    await response.WriteAsync("second\n");
});

app.MapPost("/_test/release", () =>
{
    state.Release.TrySetResult();
    return Results.NoContent();
});

// Non-HTTP and JSON-mode invocations: POST /{FunctionName} with the host's envelope.
app.MapPost("/{function}", async (string function, HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    var body = await reader.ReadToEndAsync();
    state.Record(function, new Invocation(request.Path, request.ContentType, body,
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

    var mode = state.ModeFor(function);
    if (mode.Fail)
    {
        return Results.Text("{\"error\":\"told to fail\"}", "application/json", statusCode: 500);
    }

    return Results.Text(mode.Response ?? "{\"Outputs\":{},\"Logs\":[\"handled " + function + "\"],\"ReturnValue\":null}", "application/json");
});

app.Run();

namespace Hit.LocalHost.TestHandler
{
    internal sealed record Invocation(string Path, string? ContentType, string Body, Dictionary<string, string> Headers)
    {
        public JsonObject ToJson()
        {
            var headers = new JsonObject();
            foreach (var (key, value) in Headers)
            {
                headers[key] = value;
            }

            return new JsonObject
            {
                ["path"] = Path,
                ["contentType"] = ContentType,
                ["body"] = Body,
                ["headers"] = headers,
            };
        }
    }

    internal sealed record FunctionMode(bool Fail, string? Response);

    internal sealed class HandlerState
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<Invocation>> _invocations = new(StringComparer.OrdinalIgnoreCase);

        public ConcurrentDictionary<string, FunctionMode> Modes { get; } = new(StringComparer.OrdinalIgnoreCase);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Record(string function, Invocation invocation) =>
            _invocations.GetOrAdd(function, _ => new ConcurrentQueue<Invocation>()).Enqueue(invocation);

        public IReadOnlyList<Invocation> Invocations(string function) =>
            _invocations.TryGetValue(function, out var queue) ? queue.ToArray() : [];

        /// <summary>Runtime mode first, then TEST_FAIL_&lt;fn&gt; / TEST_RESPONSE_&lt;fn&gt; app settings.</summary>
        public FunctionMode ModeFor(string function)
        {
            if (Modes.TryGetValue(function, out var mode))
            {
                return mode;
            }

            var fail = string.Equals(Environment.GetEnvironmentVariable("TEST_FAIL_" + function), "true", StringComparison.OrdinalIgnoreCase);
            return new FunctionMode(fail, Environment.GetEnvironmentVariable("TEST_RESPONSE_" + function));
        }
    }
}
