using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Queues;

/// <summary>Queue trigger envelopes, retries, poison handling and outputs (reference §2, §7).</summary>
public sealed partial class QueueTriggerTests
{
    private static Task SendBase64Async(string queue, string text) => SendRawAsync(queue, Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));

    private static async Task SendRawAsync(string queue, string wireText)
    {
        var client = TestEnvironment.RawQueues.GetQueueClient(queue);
        await client.CreateIfNotExistsAsync();
        await client.SendMessageAsync(wireText);
    }

    [Fact]
    public async Task QueueMessage_EnvelopeMatchesRecordedHostShape()
    {
        var queue = TestEnvironment.UniqueName("shape");
        using var app = new AppRootBuilder();
        app.Function("queue", Bindings.QueueTrigger("inMsg", queue));
        await using var harness = await HostHarness.StartAsync(app.Write());
        await SendBase64Async(queue, "aaaaa");

        var invocation = (await harness.WaitForSingleInvocationAsync("queue"));

        Assert.Equal("/queue", invocation["path"]!.GetValue<string>());
        Assert.Equal("application/json; charset=utf-8", invocation["contentType"]!.GetValue<string>());
        var envelope = HostHarness.Envelope(invocation);
        Assert.Equal(["Data", "Metadata"], envelope.Select(p => p.Key));
        Assert.Equal("\"aaaaa\"", envelope["Data"]!["inMsg"]!.GetValue<string>());

        // Same keys and encodings as the Ballerina capture queue-string.json.
        var metadata = envelope["Metadata"]!.AsObject();
        Assert.Equal(
            new[] { "DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "sys" }.Order(),
            metadata.Select(p => p.Key).Order());
        Assert.Equal("1", metadata["DequeueCount"]!.GetValue<string>());
        Assert.Matches(QuotedGuid(), metadata["Id"]!.GetValue<string>());
        Assert.Matches("^\".+\"$", metadata["PopReceipt"]!.GetValue<string>());
        foreach (var key in new[] { "ExpirationTime", "InsertionTime", "NextVisibleTime" })
        {
            Assert.Matches(IsoSeconds(), metadata[key]!.GetValue<string>());
        }

        var sys = metadata["sys"]!.AsObject();
        Assert.Equal(["MethodName", "UtcNow", "RandGuid"], sys.Select(p => p.Key));
        Assert.Equal("queue", sys["MethodName"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$", sys["UtcNow"]!.GetValue<string>());
        Assert.True(Guid.TryParse(sys["RandGuid"]!.GetValue<string>(), out _));

        // Completed messages are deleted (the approximate count includes invisible, leased messages), and Logs are relayed.
        await Eventually.UntilAsync(async () =>
            (await TestEnvironment.RawQueues.GetQueueClient(queue).GetPropertiesAsync()).ApproximateMessagesCount == 0 ? "deleted" : null,
            TimeSpan.FromSeconds(5), "message deletion");
        await Eventually.UntilAsync(() => Task.FromResult(
            harness.Logger.Entries.Any(e => e.Message.Contains("handled queue", StringComparison.Ordinal)) ? "logged" : null),
            TimeSpan.FromSeconds(5), "relayed handler log");
    }

    [Fact]
    public async Task JsonObjectMessage_TopLevelPropertiesMergeIntoMetadata()
    {
        var queue = TestEnvironment.UniqueName("merge");
        using var app = new AppRootBuilder();
        app.Function("MergeFn", Bindings.QueueTrigger("order", queue));
        await using var harness = await HostHarness.StartAsync(app.Write());
        const string message = "{\"id\":\"order-7\",\"count\":3,\"paid\":true,\"customer\":{\"name\":\"Ada\"},\"lines\":[1,2],\"note\":null}";
        await SendBase64Async(queue, message);

        var envelope = HostHarness.Envelope((await harness.WaitForSingleInvocationAsync("MergeFn")));

        // Double-encoded: a JSON string whose content is the JSON text of the message.
        Assert.Equal(message, JsonNode.Parse(envelope["Data"]!["order"]!.GetValue<string>())!.GetValue<string>());
        var metadata = envelope["Metadata"]!.AsObject();
        // "id" shadows the message Id under the existing key (case-insensitive binding data).
        Assert.Equal("\"order-7\"", metadata["Id"]!.GetValue<string>());
        Assert.False(metadata.ContainsKey("id") && metadata.Count(p => p.Key.Equals("id", StringComparison.OrdinalIgnoreCase)) > 1);
        Assert.Equal("\"3\"", metadata["count"]!.GetValue<string>());
        Assert.Equal("\"True\"", metadata["paid"]!.GetValue<string>());
        Assert.Equal("Ada", metadata["customer"]!["name"]!.GetValue<string>());
        Assert.False(metadata.ContainsKey("lines"));
        Assert.False(metadata.ContainsKey("note"));
    }

    [Fact]
    public async Task FailingInvocation_IsRedeliveredThenPoisonedAfterMaxDequeueCount()
    {
        var queue = TestEnvironment.UniqueName("retry");
        using var app = new AppRootBuilder();
        app.Queues["maxDequeueCount"] = 3;
        app.Function("Flaky", Bindings.QueueTrigger("msg", queue));
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_FAIL_Flaky"] = "true" });
        var wire = Convert.ToBase64String(Encoding.UTF8.GetBytes("will fail"));
        await SendRawAsync(queue, wire);

        var invocations = await harness.WaitForInvocationsAsync("Flaky", 3);

        Assert.Equal(["1", "2", "3"], invocations.Select(i => HostHarness.Envelope(i!)["Metadata"]!["DequeueCount"]!.GetValue<string>()));
        var poisoned = await Eventually.UntilAsync(() => TestEnvironment.PeekFirstAsync(queue + "-poison"), TimeSpan.FromSeconds(10), "poison message");
        Assert.Equal(wire, poisoned.MessageText);
        Assert.Equal(0, (await TestEnvironment.RawQueues.GetQueueClient(queue).GetPropertiesAsync()).ApproximateMessagesCount);
        await Task.Delay(500);
        Assert.Equal(3, (await harness.InvocationsAsync("Flaky")).Count);
    }

    [Fact]
    public async Task NonBase64Message_GoesStraightToPoisonWithoutInvocation()
    {
        var queue = TestEnvironment.UniqueName("nonb64");
        using var app = new AppRootBuilder();
        app.Function("Strict", Bindings.QueueTrigger("msg", queue));
        await using var harness = await HostHarness.StartAsync(app.Write());
        await SendRawAsync(queue, "this is not base64!");

        var poisoned = await Eventually.UntilAsync(() => TestEnvironment.PeekFirstAsync(queue + "-poison"), TimeSpan.FromSeconds(10), "poison message");

        Assert.Equal("this is not base64!", poisoned.MessageText);
        Assert.Empty(await harness.InvocationsAsync("Strict"));
    }

    [Fact]
    public async Task Outputs_QueueBytesExact_JsonArrayFansOut_BlobWrittenFromTriggerData()
    {
        var input = TestEnvironment.UniqueName("in");
        var bytesQueue = TestEnvironment.UniqueName("bytes");
        var fanQueue = TestEnvironment.UniqueName("fan");
        var container = TestEnvironment.UniqueName("out");
        using var app = new AppRootBuilder();
        app.Function("Produce",
            Bindings.QueueTrigger("msg", input),
            Bindings.QueueOut("bytes", bytesQueue),
            Bindings.QueueOut("fan", fanQueue),
            Bindings.BlobOut("report", container + "/reports/{name}.bin"),
            Bindings.QueueOut("$return", bytesQueue));
        byte[] payload = [0, 1, 2, 250, 255, 10, 13];
        var response = new JsonObject
        {
            ["Outputs"] = new JsonObject
            {
                ["bytes"] = Convert.ToBase64String(payload),
                ["fan"] = new JsonArray("first", new JsonObject { ["b"] = 1 }),
                ["report"] = Convert.ToBase64String(payload),
            },
            ["Logs"] = new JsonArray(),
            ["ReturnValue"] = Convert.ToBase64String("returned"u8.ToArray()),
        };
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_RESPONSE_Produce"] = response.ToJsonString() });
        await SendBase64Async(input, "{\"name\":\"r-1\"}");

        await harness.WaitForInvocationsAsync("Produce", 1);

        var bytesMessages = await ReceiveAllAsync(bytesQueue, 2);
        Assert.Contains(Convert.ToBase64String(payload), bytesMessages);
        Assert.Contains(Convert.ToBase64String("returned"u8.ToArray()), bytesMessages);
        var fan = (await ReceiveAllAsync(fanQueue, 2)).Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m))).ToList();
        Assert.Contains("first", fan);
        Assert.Contains("{\n  \"b\": 1\n}", fan);
        var blob = await Eventually.UntilAsync(async () =>
        {
            var client = TestEnvironment.Blobs.GetContainerClient(container).GetBlobClient("reports/r-1.bin");
            return await client.ExistsAsync() ? await client.DownloadContentAsync() : null;
        }, TimeSpan.FromSeconds(5), "blob output");
        Assert.Equal(payload, blob.Content.ToArray());
    }

    private static async Task<List<string>> ReceiveAllAsync(string queue, int expected)
    {
        var texts = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (texts.Count < expected && DateTime.UtcNow < deadline)
        {
            var client = TestEnvironment.RawQueues.GetQueueClient(queue);
            if (await client.ExistsAsync())
            {
                texts.AddRange((await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Select(m => m.MessageText));
            }

            if (texts.Count < expected)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(expected, texts.Count);
        return texts;
    }

    [GeneratedRegex("^\"[0-9a-f-]{36}\"$")]
    private static partial Regex QuotedGuid();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")]
    private static partial Regex IsoSeconds();
}
