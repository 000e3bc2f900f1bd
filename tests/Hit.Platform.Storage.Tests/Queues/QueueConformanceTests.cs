using System.Text;

namespace Hit.Platform.Storage.Tests.Queues;

public sealed class QueueConformanceTests
{
    [Fact]
    public async Task CreateIfNotExists_SecondCall_ReturnsFalse_AndDeleteIfExistsIsIdempotent()
    {
        var queue = StorageTestEnvironment.Queues().GetQueueClient(StorageTestEnvironment.UniqueName("q"));
        Assert.False(await queue.ExistsAsync());

        Assert.True(await queue.CreateIfNotExistsAsync());
        Assert.False(await queue.CreateIfNotExistsAsync());
        Assert.True(await queue.ExistsAsync());

        Assert.True(await queue.DeleteIfExistsAsync());
        Assert.False(await queue.DeleteIfExistsAsync());
        Assert.False(await queue.ExistsAsync());
    }

    [Fact]
    public async Task SendReceiveDelete_RoundTripsBodyAndRemovesMessage()
    {
        await using var tq = await TestQueue.CreateAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var receipt = await tq.Client.SendMessageAsync(BinaryData.FromString("{\"paymentId\":\"p-1\"}"));

        Assert.NotEmpty(receipt.MessageId);
        Assert.NotEmpty(receipt.PopReceipt);
        Assert.InRange(receipt.InsertionTime, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(receipt.ExpirationTime > receipt.InsertionTime.AddDays(6));

        var message = Assert.Single(await tq.Client.ReceiveMessagesAsync(10, TimeSpan.FromSeconds(30)));
        Assert.Equal(receipt.MessageId, message.MessageId);
        Assert.Equal(1, message.DequeueCount);
        Assert.Equal("{\"paymentId\":\"p-1\"}", message.Body?.ToString());
        Assert.True(message.NextVisibleTime > DateTimeOffset.UtcNow.AddSeconds(20));

        await tq.Client.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        Assert.Empty(await tq.Client.PeekMessagesAsync(32));
        Assert.Equal(0, (await tq.Client.GetPropertiesAsync()).ApproximateMessagesCount);
    }

    [Fact]
    public async Task SendMessage_DefaultEncoding_StoresBase64OnTheWire()
    {
        await using var tq = await TestQueue.CreateAsync();
        var raw = StorageTestEnvironment.Queues(o => o.MessageEncoding = QueueMessageEncoding.None).GetQueueClient(tq.Client.Name);

        await tq.Client.SendMessageAsync("héllo <world> & friends");

        var peeked = Assert.Single(await raw.PeekMessagesAsync(1));
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("héllo <world> & friends")), peeked.MessageText);
        var decoded = Assert.Single(await tq.Client.PeekMessagesAsync(1));
        Assert.Equal("héllo <world> & friends", decoded.Body?.ToString());
        Assert.Equal(peeked.MessageText, decoded.MessageText);
    }

    [Fact]
    public async Task SendMessage_EncodingNone_StoresTextVerbatimIncludingXmlCharacters()
    {
        var raw = StorageTestEnvironment.Queues(o => o.MessageEncoding = QueueMessageEncoding.None);
        await using var tq = await TestQueue.CreateAsync(raw);

        await tq.Client.SendMessageAsync("<order id=\"1\">a & b</order>");

        var message = Assert.Single(await tq.Client.ReceiveMessagesAsync(1));
        Assert.Equal("<order id=\"1\">a & b</order>", message.MessageText);
        Assert.Equal("<order id=\"1\">a & b</order>", message.Body?.ToString());
    }

    [Fact]
    public async Task ReceiveMessages_NonBase64TextUnderBase64Encoding_YieldsNullBodyAndKeepsText()
    {
        await using var tq = await TestQueue.CreateAsync();
        var raw = StorageTestEnvironment.Queues(o => o.MessageEncoding = QueueMessageEncoding.None).GetQueueClient(tq.Client.Name);
        await raw.SendMessageAsync("not base64!");

        var message = Assert.Single(await tq.Client.ReceiveMessagesAsync(1));

        Assert.Null(message.Body);
        Assert.Equal("not base64!", message.MessageText);
    }

    [Fact]
    public async Task ReceiveMessages_AfterVisibilityTimeout_MessageReappearsWithDequeueCount2()
    {
        await using var tq = await TestQueue.CreateAsync();
        await tq.Client.SendMessageAsync("retry me");

        var first = Assert.Single(await tq.Client.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, first.DequeueCount);
        Assert.Empty(await tq.Client.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1)));

        var second = await ReceiveWithinAsync(tq.Client, TimeSpan.FromSeconds(5));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
        Assert.Equal("retry me", second.Body?.ToString());
    }

    [Fact]
    public async Task SendMessage_WithVisibilityTimeout_IsHiddenUntilThen()
    {
        await using var tq = await TestQueue.CreateAsync();

        var receipt = await tq.Client.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(1), timeToLive: Timeout.InfiniteTimeSpan);

        Assert.Empty(await tq.Client.PeekMessagesAsync(1));
        Assert.True(receipt.ExpirationTime > DateTimeOffset.UtcNow.AddYears(100));
        var message = await ReceiveWithinAsync(tq.Client, TimeSpan.FromSeconds(5));
        Assert.Equal("later", message.Body?.ToString());
    }

    [Fact]
    public async Task UpdateMessage_ChangesBodyAndVisibility()
    {
        await using var tq = await TestQueue.CreateAsync();
        await tq.Client.SendMessageAsync("v1");
        var received = Assert.Single(await tq.Client.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30)));

        var hidden = await tq.Client.UpdateMessageAsync(received.MessageId, received.PopReceipt, BinaryData.FromString("v2"), TimeSpan.FromSeconds(60));

        Assert.NotEqual(received.PopReceipt, hidden.PopReceipt);
        Assert.True(hidden.NextVisibleTime > DateTimeOffset.UtcNow.AddSeconds(45));
        Assert.Empty(await tq.Client.PeekMessagesAsync(1));

        await tq.Client.UpdateMessageAsync(received.MessageId, hidden.PopReceipt, null, TimeSpan.Zero);

        var again = Assert.Single(await tq.Client.ReceiveMessagesAsync(1));
        Assert.Equal(received.MessageId, again.MessageId);
        Assert.Equal("v2", again.Body?.ToString());
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task GetProperties_CountsMessages_AndClearRemovesThem()
    {
        await using var tq = await TestQueue.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await tq.Client.SendMessageAsync($"m{i}");
        }

        Assert.Equal(3, (await tq.Client.GetPropertiesAsync()).ApproximateMessagesCount);
        Assert.Equal(3, (await tq.Client.PeekMessagesAsync(32)).Count);

        await tq.Client.ClearMessagesAsync();

        Assert.Equal(0, (await tq.Client.GetPropertiesAsync()).ApproximateMessagesCount);
        Assert.Empty(await tq.Client.ReceiveMessagesAsync(32));
    }

    [Fact]
    public async Task SendMessage_ToMissingQueue_Fails404QueueNotFound()
    {
        var queue = StorageTestEnvironment.Queues().GetQueueClient(StorageTestEnvironment.UniqueName("q"));

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => queue.SendMessageAsync("x"));

        Assert.Equal(404, ex.Status);
        Assert.Equal("QueueNotFound", ex.ErrorCode);
    }

    [Fact]
    public async Task Request_WithWrongAccountKey_Fails403AuthenticationFailed()
    {
        var queue = new QueueServiceClient(StorageTestEnvironment.WrongKeyConnection(), StorageTestEnvironment.Options())
            .GetQueueClient(StorageTestEnvironment.UniqueName("q"));

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Equal(403, ex.Status);
        Assert.Equal("AuthenticationFailed", ex.ErrorCode);
    }

    private static async Task<QueueMessage> ReceiveWithinAsync(QueueClient queue, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30)) is [var message])
            {
                return message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No message became visible within {within}.");
    }
}
