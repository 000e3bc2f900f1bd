using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Email.Tests;

/// <summary>
/// A stand-in for the SendGrid v3 API (an outside service): <c>POST /v3/mail/send</c> checks the bearer key and answers
/// 202 with <c>X-Message-Id</c> — or, by recipient, 400 (<c>sg-reject…</c>) or 503 (<c>sg-busy…</c>).
/// Every accepted request is kept, by recipient.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    public const string ApiKey = "SG.fake-test-key";

    private readonly WebApplication _app;

    public ConcurrentQueue<(string To, string Subject, string DeliveryId)> Accepted { get; } = new();

    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>When each refusal was answered, by recipient (the backoff between attempts).</summary>
    public ConcurrentQueue<(string To, DateTimeOffset At)> RefusedAt { get; } = new();

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public FakeSendGrid()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v3/mail/send", async (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization != "Bearer " + ApiKey)
            {
                return Results.StatusCode(401);
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var personalization = body.RootElement.GetProperty("personalizations")[0];
            var to = personalization.GetProperty("to")[0].GetProperty("email").GetString()!;
            var subject = body.RootElement.TryGetProperty("subject", out var s) ? s.GetString()! : personalization.GetProperty("subject").GetString()!;
            var deliveryId = personalization.TryGetProperty("custom_args", out var args) && args.TryGetProperty("deliveryId", out var id) ? id.GetString()! : "";
            if (to.StartsWith("sg-reject", StringComparison.Ordinal))
            {
                Refused.Enqueue(to);
                return Results.Json(new { errors = new[] { new { message = "Does not contain a valid address.", field = "personalizations.0.to.0.email" } } }, statusCode: 400);
            }

            if (to.StartsWith("sg-busy", StringComparison.Ordinal))
            {
                Refused.Enqueue(to);
                RefusedAt.Enqueue((to, DateTimeOffset.UtcNow));
                return Results.StatusCode(503);
            }

            Accepted.Enqueue((to, subject, deliveryId));
            context.Response.Headers["X-Message-Id"] = "sg-" + Guid.NewGuid().ToString("N")[..12];
            return Results.StatusCode(202);
        });
    }

    public async Task StartAsync()
    {
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
