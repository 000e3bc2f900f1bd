using System.Text;
using System.Text.Json.Nodes;
using Hit.LocalHost.Tests.Infrastructure;
using Hit.Platform.Storage;

namespace Hit.LocalHost.Tests.Blobs;

/// <summary>The blob trigger stand-in: container polling, receipts across restarts, ETag changes, retries and poison.</summary>
public sealed class BlobTriggerTests
{
    private static async Task UploadAsync(string container, string name, string content, IDictionary<string, string>? metadata = null)
    {
        var client = TestEnvironment.Blobs.GetContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await client.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), new BlobUploadOptions { ContentType = "text/plain", Metadata = metadata });
    }

    [Fact]
    public async Task NewBlob_TriggersOnce_NotAgainAfterRestart_AgainWhenChanged()
    {
        var container = TestEnvironment.UniqueName("uploads");
        using var app = new AppRootBuilder();
        app.Function("Thumbnail", Bindings.BlobTrigger("blobIn", container + "/{name}"));
        var appRoot = app.Write();
        var appName = "blobapp" + Guid.NewGuid().ToString("N")[..8];

        await using (var harness = await HostHarness.StartAsync(appRoot, appName: appName))
        {
            await UploadAsync(container, "hello.txt", "hello from byte\n", new Dictionary<string, string> { ["owner"] = "ada" });
            var envelope = HostHarness.Envelope((await harness.WaitForSingleInvocationAsync("Thumbnail")));

            Assert.Equal(Convert.ToBase64String("hello from byte\n"u8.ToArray()), envelope["Data"]!["blobIn"]!.GetValue<string>());
            var metadata = envelope["Metadata"]!.AsObject();
            Assert.Equal("\"hello.txt\"", metadata["name"]!.GetValue<string>());
            var uri = JsonNode.Parse(metadata["Uri"]!.GetValue<string>())!.GetValue<string>();
            Assert.EndsWith($"/{container}/hello.txt", uri);
            Assert.Equal(16, metadata["Properties"]!["ContentLength"]!.GetValue<long>());
            Assert.Equal("text/plain", metadata["Properties"]!["ContentType"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(metadata["Properties"]!["ETag"]!.GetValue<string>()));
            Assert.Equal("ada", metadata["Metadata"]!["owner"]!.GetValue<string>());
            Assert.False(metadata.ContainsKey("BlobTrigger"));
            Assert.Equal("Thumbnail", metadata["sys"]!["MethodName"]!.GetValue<string>());

            // Several more polls: still exactly one invocation.
            await Task.Delay(800);
            Assert.Single(await harness.InvocationsAsync("Thumbnail"));
        }

        await using (var restarted = await HostHarness.StartAsync(appRoot, appName: appName))
        {
            // The receipt written by the first host prevents a re-trigger.
            await Task.Delay(1000);
            Assert.Empty(await restarted.InvocationsAsync("Thumbnail"));

            await UploadAsync(container, "hello.txt", "changed");
            var changed = HostHarness.Envelope((await restarted.WaitForSingleInvocationAsync("Thumbnail")));
            Assert.Equal(Convert.ToBase64String("changed"u8.ToArray()), changed["Data"]!["blobIn"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task PathWithSeveralParameters_BindsEachSegment_AndOnlyMatchingBlobsTrigger()
    {
        var container = TestEnvironment.UniqueName("tenant");
        using var app = new AppRootBuilder();
        app.Function("Ingest", Bindings.BlobTrigger("blob", container + "/in/{ns}/{rest}"));
        await using var harness = await HostHarness.StartAsync(app.Write());

        await UploadAsync(container, "other/a/b.txt", "ignored");
        await UploadAsync(container, "in/acme/docs/readme.md", "x");

        var metadata = HostHarness.Envelope((await harness.WaitForSingleInvocationAsync("Ingest")))["Metadata"]!;
        Assert.Equal("\"acme\"", metadata["ns"]!.GetValue<string>());
        Assert.Equal("\"docs/readme.md\"", metadata["rest"]!.GetValue<string>());
        await Task.Delay(600);
        Assert.Single(await harness.InvocationsAsync("Ingest"));
    }

    [Fact]
    public async Task FailingBlobTrigger_IsRetriedFiveTimes_ThenPoisoned()
    {
        var container = TestEnvironment.UniqueName("failing");
        using var app = new AppRootBuilder();
        app.Function("Fragile", Bindings.BlobTrigger("blob", container + "/{name}"));
        await using var harness = await HostHarness.StartAsync(app.Write(), new Dictionary<string, string?> { ["TEST_FAIL_Fragile"] = "true" });
        var blobName = "bad-" + Guid.NewGuid().ToString("N") + ".bin";

        await UploadAsync(container, blobName, "boom");
        await harness.WaitForInvocationsAsync("Fragile", 5);

        var poison = TestEnvironment.RawQueues.GetQueueClient("webjobs-blobtrigger-poison");
        var message = await Eventually.UntilAsync(async () =>
        {
            if (!await poison.ExistsAsync())
            {
                return null;
            }

            var peeked = await poison.PeekMessagesAsync(32);
            return peeked
                .Select(m => JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText)))!)
                .FirstOrDefault(m => m["BlobName"]?.GetValue<string>() == blobName);
        }, TimeSpan.FromSeconds(10), "blob poison message");

        Assert.Equal("Host.Functions.Fragile", message["FunctionId"]!.GetValue<string>());
        Assert.Equal("BlockBlob", message["BlobType"]!.GetValue<string>());
        Assert.Equal(container, message["ContainerName"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(message["ETag"]!.GetValue<string>()));

        // Poisoned blobs get a receipt: no sixth attempt.
        await Task.Delay(800);
        Assert.Equal(5, (await harness.InvocationsAsync("Fragile")).Count);
    }
}
