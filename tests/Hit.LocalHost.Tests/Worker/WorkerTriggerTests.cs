using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hit.LocalHost.Tests.Infrastructure;

namespace Hit.LocalHost.Tests.Worker;

/// <summary>Queue and blob triggers of a real worker: the host's polling, retries, poison, receipts and outputs.</summary>
public sealed class WorkerTriggerTests(WorkerFixture fixture) : IClassFixture<WorkerFixture>
{
    private WorkerHarness Worker => fixture.Harness;

    [Fact]
    public async Task QueueMessage_InvokesOnce_WritesTheReturnedOutput_AndIsDeleted()
    {
        var text = "hello-" + Guid.NewGuid().ToString("N");

        await WorkerHarness.SendAsync(Worker.Queue, text);

        var output = await Eventually.UntilAsync(async () =>
            (await WorkerHarness.DrainAsync(Worker.OutQueue)).FirstOrDefault(m => m == text + "!"), TimeSpan.FromSeconds(20), "the output message");
        Assert.Equal(text + "!", output);
        var record = Worker.Records("QueueWork").Single(r => (string?)r["message"] == text);
        Assert.Equal(1, (int)record["dequeueCount"]!);
        Assert.True(Guid.TryParse((string?)record["id"], out _));
        await Eventually.UntilAsync(async () => (await Worker.Queue.PeekMessagesAsync(32)).Value.All(m => !m.MessageText.Equals(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), StringComparison.Ordinal)) ? "gone" : null,
            TimeSpan.FromSeconds(5), "the message deleted");
    }

    [Fact]
    public async Task FailingMessage_IsRetriedToExactlyMaxDequeueCount_ThenPoisoned()
    {
        var text = "please fail " + Guid.NewGuid().ToString("N");
        var wire = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

        await Worker.Queue.SendMessageAsync(wire);

        // host.json of the test worker: maxDequeueCount 3, visibilityTimeout 1 s.
        var poisoned = await Eventually.UntilAsync(async () =>
            (await Worker.PoisonQueue.ExistsAsync()).Value && (await Worker.PoisonQueue.PeekMessagesAsync(32)).Value.FirstOrDefault(m => m.MessageText == wire) is { } m ? m : null,
            TimeSpan.FromSeconds(30), "the poison copy");
        Assert.Equal(wire, poisoned.MessageText);
        var attempts = Worker.Records("QueueWork").Where(r => (string?)r["message"] == text).Select(r => (int)r["dequeueCount"]!).ToList();
        Assert.Equal([1, 2, 3], attempts);
        Assert.DoesNotContain((await Worker.Queue.PeekMessagesAsync(32)).Value, m => m.MessageText == wire);
        Assert.DoesNotContain(await WorkerHarness.DrainAsync(Worker.OutQueue), m => m.StartsWith(text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NonBase64Message_GoesToPoisonWithoutAnInvocation()
    {
        var wire = "not base64 " + Guid.NewGuid().ToString("N") + "!*";

        await Worker.Queue.SendMessageAsync(wire);

        await Eventually.UntilAsync(async () =>
            (await Worker.PoisonQueue.ExistsAsync()).Value && (await Worker.PoisonQueue.PeekMessagesAsync(32)).Value.Any(m => m.MessageText == wire) ? "poisoned" : null,
            TimeSpan.FromSeconds(20), "the poison copy");
        Assert.DoesNotContain(Worker.Records("QueueWork"), r => ((string?)r["message"])?.Contains(wire[12..], StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task NewBlob_InvokesOnceWithADeferredBlobClient_AndTheHostWritesTheBlobOutput()
    {
        var name = "photo-" + Guid.NewGuid().ToString("N") + ".txt";

        await Worker.Container.UploadBlobAsync(name, BinaryData.FromString("hello blob"));

        var record = (await Worker.WaitForRecordsAsync("BlobWatch", 1)).Single(r => (string?)r["name"] == name);
        Assert.Equal(10, (int)record["length"]!);
        Assert.Equal($"{Worker.Container.Name}/{name}", (string?)record["blobTrigger"]);
        var copy = await Eventually.UntilAsync(async () =>
            (await Worker.OutContainer.ExistsAsync()).Value && (await Worker.OutContainer.GetBlobClient(name + ".copy").ExistsAsync()).Value
                ? (await Worker.OutContainer.GetBlobClient(name + ".copy").DownloadContentAsync()).Value.Content.ToString()
                : null,
            TimeSpan.FromSeconds(10), "the blob output");
        Assert.Equal("hello blob", copy);
    }

    [Fact]
    public async Task FailingBlob_IsTriedFiveTimes_ThenPoisonedWithItsName()
    {
        var name = "bad-" + Guid.NewGuid().ToString("N") + ".txt";

        await Worker.Container.UploadBlobAsync(name, BinaryData.FromString("this should fail"));

        var poison = WorkerHarness.Queues.GetQueueClient("webjobs-blobtrigger-poison");
        var message = await Eventually.UntilAsync(async () =>
        {
            if (!(await poison.ExistsAsync()).Value)
            {
                return null;
            }

            return (await poison.PeekMessagesAsync(32)).Value
                .Select(m => JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(m.MessageText)))!.AsObject())
                .FirstOrDefault(m => (string?)m["BlobName"] == name);
        }, TimeSpan.FromSeconds(30), "the blob poison message");
        Assert.Equal("Host.Functions.BlobWatch", (string?)message["FunctionId"]);
        Assert.Equal(Worker.Container.Name, (string?)message["ContainerName"]);
        // A sixth try would come in a later pass of the watcher. Two good blobs, each uploaded once the one before
        // ran, end two passes after the poisoning pass — the watcher lists the whole container each pass and awaits
        // every delivery of a pass before the next — so a retry would be on record by then.
        await RunMarkerAsync();
        await RunMarkerAsync();
        Assert.Equal(5, Worker.Records("BlobWatch").Count(r => (string?)r["name"] == name));
    }

    private async Task RunMarkerAsync()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N") + ".txt";
        await Worker.Container.UploadBlobAsync(marker, BinaryData.FromString("a good blob"));
        await Eventually.UntilAsync(() => Task.FromResult(Worker.Records("BlobWatch").FirstOrDefault(r => (string?)r["name"] == marker)),
            TimeSpan.FromSeconds(20), "the marker blob " + marker);
    }
}

/// <summary>Blob receipts across a restart, and the Event Grid webhook; each test owns its host(s).</summary>
public sealed class WorkerBlobDeliveryTests
{
    [Fact]
    public async Task ProcessedBlob_IsNotRunAgainAfterARestart()
    {
        var names = WorkerHarness.Names.Unique();
        var hostId = "receipts-" + Guid.NewGuid().ToString("N")[..8];
        var first = "first-" + Guid.NewGuid().ToString("N");
        await using (var worker = await WorkerHarness.StartAsync(names, hostId))
        {
            await worker.Container.UploadBlobAsync(first, BinaryData.FromString("one"));
            // Done means a completed receipt: a host stopped mid-invocation would rightly run the blob again.
            await WaitForCompletedReceiptsAsync(hostId, worker.Container.Name, [first]);
        }

        await using var restarted = await WorkerHarness.StartAsync(names, hostId);
        var second = "second-" + Guid.NewGuid().ToString("N");
        await restarted.Container.UploadBlobAsync(second, BinaryData.FromString("two"));
        await restarted.WaitForRecordsAsync("BlobWatch", 1);
        var third = "third-" + Guid.NewGuid().ToString("N");
        await restarted.Container.UploadBlobAsync(third, BinaryData.FromString("three"));

        // The watcher lists the whole container each pass and awaits every delivery of a pass before the next. The
        // pass that ran the second blob saw the first too, and had finished with it before the pass that ran the third
        // (uploaded after the second ran) began: a rerun of the first would be on record now, before or after the
        // second's. (The records folder is per harness: it holds only the restarted host's runs.)
        var records = await restarted.WaitForRecordsAsync("BlobWatch", 2);
        Assert.Equal([second, third], records.Select(r => (string)r["name"]!));
    }

    [Fact]
    public async Task TwoHostsWithOneHostId_RunEachBlobExactlyOnce()
    {
        // Scale-out: both hosts watch the same container; the receipt's lease decides which one runs a blob.
        var names = WorkerHarness.Names.Unique();
        var hostId = "scaleout-" + Guid.NewGuid().ToString("N")[..8];
        await using var one = await WorkerHarness.StartAsync(names, hostId, blobPollingInterval: TimeSpan.FromMilliseconds(50));
        // Same container and host id, its own record file (two processes must not append to one file).
        await using var two = await WorkerHarness.StartAsync(names with { Records = WorkerHarness.Names.Unique().Records }, hostId, blobPollingInterval: TimeSpan.FromMilliseconds(50));
        var blobs = Enumerable.Range(0, 12).Select(i => $"shared-{i}-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(blobs.Select(name => one.Container.UploadBlobAsync(name, BinaryData.FromString(name))));

        // Once every receipt is completed no host may start the blob again, so the records are final.
        await WaitForCompletedReceiptsAsync(hostId, one.Container.Name, blobs);
        var runs = one.Records("BlobWatch").Concat(two.Records("BlobWatch")).Select(r => (string)r["name"]!).ToList();
        Assert.Equal(blobs.Order(StringComparer.Ordinal), runs.Order(StringComparer.Ordinal));
    }

    private static Task<HashSet<string>> WaitForCompletedReceiptsAsync(string hostId, string container, List<string> blobs)
    {
        var receipts = WorkerHarness.Blobs.GetBlobContainerClient("azure-webjobs-hosts");
        return Eventually.UntilAsync(async () =>
        {
            var completed = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var receipt in receipts.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, $"blobreceipts/{hostId}/Host.Functions.BlobWatch/", CancellationToken.None))
            {
                var blob = receipt.Name[(receipt.Name.IndexOf($"/{container}/", StringComparison.Ordinal) + container.Length + 2)..];
                if (!receipt.Metadata.Keys.Any(k => k.Equals("Incomplete", StringComparison.OrdinalIgnoreCase)))
                {
                    completed.Add(blob);
                }
            }

            return blobs.All(completed.Contains) ? completed : null;
        }, TimeSpan.FromSeconds(30), $"completed receipts for {blobs.Count} blobs");
    }

    [Fact]
    public async Task EventGridWebhook_ValidatesTheSubscription_AndDeliversBlobCreated()
    {
        // A watcher that only looks once (at start, on an empty container) leaves delivery to the webhook.
        await using var worker = await WorkerHarness.StartAsync(blobPollingInterval: TimeSpan.FromHours(1));
        var code = Guid.NewGuid().ToString();
        using var validation = new HttpRequestMessage(HttpMethod.Post, "/runtime/webhooks/blobs?functionName=Host.Functions.BlobWatch")
        {
            Headers = { { "aeg-event-type", "SubscriptionValidation" } },
            Content = JsonContent.Create(new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent",
                ["data"] = new JsonObject { ["validationCode"] = code },
            })),
        };
        var validated = await worker.Client.SendAsync(validation);
        Assert.Equal(HttpStatusCode.OK, validated.StatusCode);
        Assert.Equal(code, (string?)(await validated.Content.ReadFromJsonAsync<JsonObject>())!["validationResponse"]);

        var name = "evented-" + Guid.NewGuid().ToString("N");
        var blob = worker.Container.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString("via event grid"));
        using var notification = new HttpRequestMessage(HttpMethod.Post, "/runtime/webhooks/blobs?functionName=Host.Functions.BlobWatch")
        {
            Headers = { { "aeg-event-type", "Notification" } },
            Content = JsonContent.Create(new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["eventType"] = "Microsoft.Storage.BlobCreated",
                ["subject"] = $"/blobServices/default/containers/{worker.Container.Name}/blobs/{name}",
                ["data"] = new JsonObject { ["api"] = "PutBlob", ["url"] = blob.Uri.ToString() },
            })),
        };
        Assert.Equal(HttpStatusCode.Accepted, (await worker.Client.SendAsync(notification)).StatusCode);

        var record = (await worker.WaitForRecordsAsync("BlobWatch", 1)).Single();
        Assert.Equal(name, (string?)record["name"]);
        Assert.Equal("via event grid", (string?)record["content"]);

        // An unknown function is not a webhook target.
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/runtime/webhooks/blobs?functionName=Host.Functions.Nope") { Content = JsonContent.Create(new JsonArray()) };
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Client.SendAsync(unknown)).StatusCode);
    }
}

/// <summary>A worker that dies is restarted; one that keeps dying stops the host.</summary>
public sealed class WorkerProcessTests
{
    [Fact]
    public async Task CrashedWorker_IsRestarted_AndServesAgain()
    {
        await using var worker = await WorkerHarness.StartAsync();
        var first = await worker.Client.GetAsync("/pid");
        Assert.True(first.IsSuccessStatusCode, worker.Logger.Dump());
        var before = (int)(await first.Content.ReadFromJsonAsync<JsonObject>())!["pid"]!;
        Assert.Equal(before, worker.Host.HandlerProcessId);

        Assert.Equal(HttpStatusCode.Accepted, (await worker.Client.PostAsync("/crash", null)).StatusCode);

        // A request racing the exit fails (500, as on the real host); once the exit is seen, requests wait for the next worker.
        var after = await Eventually.UntilAsync(async () => await PidAsync(worker) is { } pid && pid != before ? (int?)pid : null,
            TimeSpan.FromSeconds(40), "a new worker process");
        Assert.NotEqual(before, after!.Value);
        Assert.Contains(worker.Logger.Entries, e => e.Message.Contains($"(pid {before}) exited unexpectedly with code 3", StringComparison.Ordinal));
        Assert.False(worker.Host.Completion.IsCompleted);
    }

    [Fact]
    public async Task WorkerThatKeepsCrashing_StopsTheHostWithAClearError()
    {
        await using var worker = await WorkerHarness.StartAsync(maxWorkerErrors: 2);
        var first = await PidAsync(worker);

        await worker.Client.PostAsync("/crash", null);
        // The dying worker may still answer while it shuts down: wait for a different process.
        await Eventually.UntilAsync(async () => await PidAsync(worker) is { } pid && pid != first ? (int?)pid : null,
            TimeSpan.FromSeconds(40), "the first restart");
        await worker.Client.PostAsync("/crash", null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Host.Completion.WaitAsync(TimeSpan.FromSeconds(40)));
        Assert.Contains("Exceeded language worker restart retry count", error.Message, StringComparison.Ordinal);
    }

    private static async Task<int?> PidAsync(WorkerHarness worker)
    {
        try
        {
            var response = await worker.Client.GetAsync("/pid");
            return response.IsSuccessStatusCode ? (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["pid"]! : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
