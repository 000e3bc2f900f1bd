using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure.Core;
using Hit.Platform.Storage.Core;

namespace Hit.Platform.Storage;

/// <summary>A storage queue. Cheap to create; thread-safe.</summary>
public sealed class QueueClient
{
    private readonly StoragePipeline _pipeline;
    private readonly Uri _messagesUri;

    internal QueueClient(StoragePipeline pipeline, Uri serviceUri, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _pipeline = pipeline;
        Name = name;
        Uri = new Uri(serviceUri.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(name));
        _messagesUri = new Uri(Uri.AbsoluteUri + "/messages");
    }

    public string Name { get; }

    public Uri Uri { get; }

    public QueueMessageEncoding MessageEncoding => _pipeline.Options.MessageEncoding;

    /// <summary>Creates the queue. Returns false when it already existed (204).</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Put, Uri);
        var response = await _pipeline.SendAsync(message, cancellationToken, 201, 204).ConfigureAwait(false);
        return response.Status == 201;
    }

    /// <summary>Deletes the queue. Returns false when it did not exist (only 404 is swallowed).</summary>
    public async Task<bool> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, Uri);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Queue metadata and the approximate message count (Get Queue Metadata).</summary>
    public async Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Get, Uri);
        message.Request.Uri.AppendQuery("comp", "metadata");
        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var count = StorageHeaders.LongOf(response, "x-ms-approximate-messages-count");
        return new QueueProperties((int)Math.Min(count, int.MaxValue), StorageHeaders.MetadataOf(response));
    }

    /// <summary>Put Message. The body is encoded per <see cref="StorageClientOptions.MessageEncoding"/>.</summary>
    /// <param name="timeToLive">Null for the service default (7 days); <see cref="Timeout.InfiniteTimeSpan"/> or
    /// <see cref="TimeSpan.MaxValue"/> for "never expires".</param>
    public Task<SendReceipt> SendMessageAsync(BinaryData body, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SendTextAsync(Encode(body), visibilityTimeout, timeToLive, cancellationToken);
    }

    /// <summary>Put Message with UTF-8 text (base64-encoded on the wire unless the encoding is <see cref="QueueMessageEncoding.None"/>).</summary>
    public Task<SendReceipt> SendMessageAsync(string text, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var wire = MessageEncoding == QueueMessageEncoding.Base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : text;
        return SendTextAsync(wire, visibilityTimeout, timeToLive, cancellationToken);
    }

    private async Task<SendReceipt> SendTextAsync(string wireText, TimeSpan? visibilityTimeout, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Post, _messagesUri);
        if (visibilityTimeout is { } visibility)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibility));
        }

        if (timeToLive is { } ttl)
        {
            message.Request.Uri.AppendQuery("messagettl", ttl == Timeout.InfiniteTimeSpan || ttl == TimeSpan.MaxValue ? "-1" : Seconds(ttl));
        }

        SetMessageBody(message.Request, wireText);
        var response = await _pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
        var element = await SingleMessageAsync(response, cancellationToken).ConfigureAwait(false);
        return new SendReceipt(
            Text(element, "MessageId"),
            Text(element, "PopReceipt"),
            Date(element, "InsertionTime"),
            Date(element, "ExpirationTime"),
            Date(element, "TimeNextVisible"));
    }

    /// <summary>Get Messages: dequeues up to <paramref name="maxMessages"/> (1–32), hiding them for the visibility timeout (default 30 s).</summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        using var message = _pipeline.CreateMessage(RequestMethod.Get, _messagesUri);
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        if (visibilityTimeout is { } visibility)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibility));
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var doc = await StoragePipeline.LoadXmlAsync(response.ContentStream!, cancellationToken).ConfigureAwait(false);
        return doc.Root?.Elements("QueueMessage").Select(e =>
        {
            var text = e.Element("MessageText")?.Value ?? string.Empty;
            return new QueueMessage(
                Text(e, "MessageId"),
                Text(e, "PopReceipt"),
                long.Parse(Text(e, "DequeueCount"), NumberStyles.None, CultureInfo.InvariantCulture),
                Date(e, "InsertionTime"),
                Date(e, "ExpirationTime"),
                Date(e, "TimeNextVisible"),
                text,
                Decode(text));
        }).ToList() ?? [];
    }

    /// <summary>Peek Messages: reads up to <paramref name="maxMessages"/> (1–32) without changing their visibility.</summary>
    public async Task<IReadOnlyList<PeekedMessage>> PeekMessagesAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        using var message = _pipeline.CreateMessage(RequestMethod.Get, _messagesUri);
        message.Request.Uri.AppendQuery("peekonly", "true");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var doc = await StoragePipeline.LoadXmlAsync(response.ContentStream!, cancellationToken).ConfigureAwait(false);
        return doc.Root?.Elements("QueueMessage").Select(e =>
        {
            var text = e.Element("MessageText")?.Value ?? string.Empty;
            return new PeekedMessage(
                Text(e, "MessageId"),
                long.Parse(Text(e, "DequeueCount"), NumberStyles.None, CultureInfo.InvariantCulture),
                Date(e, "InsertionTime"),
                Date(e, "ExpirationTime"),
                text,
                Decode(text));
        }).ToList() ?? [];
    }

    /// <summary>Delete Message; 404 <c>MessageNotFound</c> if the pop receipt is stale or the message is gone.</summary>
    public async Task DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, MessageUri(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
    }

    /// <summary>Update Message: changes the visibility and, when <paramref name="newBody"/> is given, the content.</summary>
    public async Task<UpdateReceipt> UpdateMessageAsync(string messageId, string popReceipt, BinaryData? newBody, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Put, MessageUri(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout));
        if (newBody is not null)
        {
            SetMessageBody(message.Request, Encode(newBody));
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
        return new UpdateReceipt(
            StorageHeaders.Optional(response, "x-ms-popreceipt") ?? throw new StorageRequestFailedException("Update Message returned no pop receipt."),
            StorageHeaders.RequiredDate(response, "x-ms-time-next-visible"));
    }

    /// <summary>Clear Messages: deletes every message in the queue.</summary>
    public async Task ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, _messagesUri);
        await _pipeline.SendAsync(message, cancellationToken, 204).ConfigureAwait(false);
    }

    private Uri MessageUri(string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return new Uri(_messagesUri.AbsoluteUri + "/" + Uri.EscapeDataString(messageId));
    }

    private string Encode(BinaryData body) =>
        MessageEncoding == QueueMessageEncoding.Base64 ? Convert.ToBase64String(body.ToMemory().Span) : body.ToString();

    /// <summary>Decodes wire text; null under Base64 when the text is not valid base64 (the caller poisons those).</summary>
    internal BinaryData? Decode(string text)
    {
        if (MessageEncoding == QueueMessageEncoding.None)
        {
            return BinaryData.FromString(text);
        }

        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? new BinaryData(buffer.AsMemory(0, written)) : null;
    }

    private static void SetMessageBody(Request request, string wireText)
    {
        var xml = new XElement("QueueMessage", new XElement("MessageText", wireText)).ToString(SaveOptions.DisableFormatting);
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml));
        request.Headers.SetValue("Content-Type", "application/xml");
    }

    private static async Task<XElement> SingleMessageAsync(Azure.Response response, CancellationToken cancellationToken)
    {
        var doc = await StoragePipeline.LoadXmlAsync(response.ContentStream!, cancellationToken).ConfigureAwait(false);
        return doc.Root?.Element("QueueMessage") ?? throw new StorageRequestFailedException("Put Message returned no message.");
    }

    private static string Seconds(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private static string Text(XElement element, string name) => element.Element(name)?.Value ?? string.Empty;

    private static DateTimeOffset Date(XElement element, string name) => StorageHeaders.ParseDate(Text(element, name));
}
