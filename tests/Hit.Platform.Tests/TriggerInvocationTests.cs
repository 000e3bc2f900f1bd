using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.Platform.Triggers;
using Microsoft.AspNetCore.Builder;

namespace Hit.Platform.Tests;

public sealed record OrderPlaced(string OrderId, decimal Amount);

public sealed class TriggerInvocationTests
{
    private static StringContent Envelope(JsonObject data, JsonObject? metadata = null) =>
        new(new JsonObject { ["Data"] = data, ["Metadata"] = metadata ?? new JsonObject() }.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>How the host embeds a string value: JsonConvert.SerializeObject(text), i.e. quoted once more.</summary>
    private static JsonValue DoubleEncoded(string text) => JsonValue.Create(JsonSerializer.Serialize(text));

    [Fact]
    public async Task QueueTrigger_DoubleEncodedJsonMessage_BindsRecordAndWritesBase64Outputs()
    {
        var received = new List<(OrderPlaced Order, QueueMessageInfo Info)>();
        await using var app = await TestApp.StartAsync(a => a
            .MapQueueTrigger<OrderPlaced>("ProcessOrder", "orders", (OrderPlaced order, QueueMessageInfo info, TriggerContext context) =>
            {
                received.Add((order, info));
                context.AddOutput("receipt", new OrderPlaced(order.OrderId, order.Amount * 2));
                context.AddOutput("note", "test");
                context.Logs.Add("processed " + order.OrderId);
            })
            .WithQueueOutput("receipt", "receipts")
            .WithBlobOutput("note", "notes/{OrderId}.txt"));

        var response = await app.Client.PostAsync("/ProcessOrder", Envelope(
            new JsonObject { ["message"] = DoubleEncoded("""{"orderId":"o-1","amount":12.5}""") },
            new JsonObject { ["Id"] = DoubleEncoded("m-1"), ["DequeueCount"] = "3" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var (order, info) = Assert.Single(received);
        Assert.Equal(new OrderPlaced("o-1", 12.5m), order);
        Assert.Equal(("m-1", 3L), (info.Id, info.DequeueCount));

        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var receipt = Convert.FromBase64String((string)result["Outputs"]!["receipt"]!);
        Assert.Equal("""{"orderId":"o-1","amount":25.0}""", Encoding.UTF8.GetString(receipt));
        // "test" must survive as text: sent as base64 of its bytes, not as a string the host would base64-decode.
        Assert.Equal("test", Encoding.UTF8.GetString(Convert.FromBase64String((string)result["Outputs"]!["note"]!)));
        Assert.Equal(["processed o-1"], result["Logs"]!.AsArray().Select(l => (string?)l));
        Assert.Null(result["ReturnValue"]);
    }

    [Fact]
    public async Task QueueTrigger_SeveralMessagesOnOneOutput_AreAnArrayTheHostFansOut()
    {
        await using var app = await TestApp.StartAsync(a => a
            .MapQueueTrigger<string>("Split", "words", (string message, TriggerContext context) =>
            {
                foreach (var word in message.Split(' '))
                {
                    context.AddOutput("out", word);
                }
            })
            .WithQueueOutput("out", "single-words"));

        var response = await app.Client.PostAsync("/Split", Envelope(new JsonObject { ["message"] = DoubleEncoded("a bc") }));

        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(["a", "bc"], result["Outputs"]!["out"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public async Task QueueTrigger_UndecodableMessage_Returns422SoTheHostRetriesAndPoisons()
    {
        var calls = 0;
        await using var app = await TestApp.StartAsync(a =>
            a.MapQueueTrigger<OrderPlaced>("ProcessOrder", "orders", (OrderPlaced order) => calls++));

        var response = await app.Client.PostAsync("/ProcessOrder", Envelope(new JsonObject { ["message"] = DoubleEncoded("not json") }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("message_undecodable", (string?)problem["code"]);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task QueueTrigger_HandlerThrows_Returns500AndNoOutputs()
    {
        await using var app = await TestApp.StartAsync(a => a
            .MapQueueTrigger<string>("Fail", "q", (string message, TriggerContext context) =>
            {
                context.AddOutput("out", "partial");
                throw new InvalidOperationException("boom");
            })
            .WithQueueOutput("out", "q2"));

        var response = await app.Client.PostAsync("/Fail", Envelope(new JsonObject { ["message"] = DoubleEncoded("x") }));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("invocation_failed", body, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Outputs", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueTrigger_UndeclaredOutput_FailsTheInvocation()
    {
        await using var app = await TestApp.StartAsync(a =>
            a.MapQueueTrigger<string>("Typo", "q", (string message, TriggerContext context) => context.AddOutput("nope", "x")));

        var response = await app.Client.PostAsync("/Typo", Envelope(new JsonObject { ["message"] = DoubleEncoded("x") }));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task QueueTrigger_ReturnValue_IsSerializedIntoReturnValue()
    {
        await using var app = await TestApp.StartAsync(a =>
            a.MapQueueTrigger<string>("Echo", "q", async (string message, CancellationToken ct) =>
            {
                await Task.Delay(1, ct);
                return new OrderPlaced(message, 1);
            }));

        var response = await app.Client.PostAsync("/Echo", Envelope(new JsonObject { ["message"] = DoubleEncoded("o-9") }));

        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("o-9", (string?)result["ReturnValue"]!["orderId"]);
    }

    [Fact]
    public async Task BlobTrigger_Base64ContentAndPathMetadata_BindBlobInput()
    {
        BlobTriggerInput? received = null;
        await using var app = await TestApp.StartAsync(a =>
            a.MapBlobTrigger("MakeThumbnail", "uploads/{name}", (BlobTriggerInput blob) => received = blob));

        var content = new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 0x01 };
        var response = await app.Client.PostAsync("/MakeThumbnail", Envelope(
            new JsonObject { ["blob"] = Convert.ToBase64String(content) },
            new JsonObject
            {
                ["name"] = DoubleEncoded("ns1/photos/été 1.jpg"),
                ["Uri"] = DoubleEncoded("http://127.0.0.1:10000/devstoreaccount1/uploads/ns1/photos/%C3%A9t%C3%A9%201.jpg"),
                ["Properties"] = new JsonObject { ["ContentType"] = "image/jpeg", ["ETag"] = "\"0x8D\"" },
                ["Metadata"] = new JsonObject { ["owner"] = "u1" },
            }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(received);
        Assert.Equal(("uploads", "ns1/photos/été 1.jpg"), (received.Container, received.Name));
        Assert.Equal(content, received.Content.ToArray());
        Assert.Equal("image/jpeg", received.ContentType);
        Assert.Equal("u1", received.Metadata["owner"]);
        Assert.Equal("ns1/photos/été 1.jpg", received.PathParameters["name"]);
    }

    [Fact]
    public async Task BlobTrigger_ContentNotBase64_Returns422()
    {
        await using var app = await TestApp.StartAsync(a =>
            a.MapBlobTrigger("MakeThumbnail", "uploads/{name}", (BlobTriggerInput blob) => { }));

        var response = await app.Client.PostAsync("/MakeThumbnail", Envelope(
            new JsonObject { ["blob"] = "%%%" }, new JsonObject { ["name"] = DoubleEncoded("a.jpg") }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Trigger_EnvelopeNotJson_Returns400()
    {
        await using var app = await TestApp.StartAsync(a => a.MapQueueTrigger<string>("Q", "q", (string m) => { }));

        var response = await app.Client.PostAsync("/Q", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
