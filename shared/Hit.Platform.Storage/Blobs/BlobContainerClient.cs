using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Hit.Platform.Storage.Core;

namespace Hit.Platform.Storage;

/// <summary>A blob container. Cheap to create; thread-safe.</summary>
public sealed class BlobContainerClient
{
    private readonly StoragePipeline _pipeline;

    internal BlobContainerClient(StoragePipeline pipeline, Uri serviceUri, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _pipeline = pipeline;
        Name = name;
        Uri = new Uri(serviceUri.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(name));
    }

    public string Name { get; }

    public Uri Uri { get; }

    public string AccountName => _pipeline.Connection.AccountName;

    public BlobClient GetBlobClient(string blobName) => new(_pipeline, this, blobName);

    /// <summary>Creates the container (private access). Returns false when it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = ContainerMessage(RequestMethod.Put);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken, 201).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == "ContainerAlreadyExists")
        {
            return false;
        }
    }

    /// <summary>Deletes the container. Returns false when it did not exist (only 404 is swallowed).</summary>
    public async Task<bool> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = ContainerMessage(RequestMethod.Delete);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken, 202).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = ContainerMessage(RequestMethod.Head);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
            return true;
        }
        catch (StorageRequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Lists blobs (flat), following <c>NextMarker</c> across pages.</summary>
    public IAsyncEnumerable<BlobItem> GetBlobsAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        GetBlobsAsync(new BlobListOptions { Prefix = prefix }, cancellationToken);

    /// <summary>Lists blobs (flat), following <c>NextMarker</c> across pages.</summary>
    public async IAsyncEnumerable<BlobItem> GetBlobsAsync(BlobListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? marker = null;
        do
        {
            var page = await ListPageAsync(options, marker, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            marker = page.NextMarker;
        }
        while (!string.IsNullOrEmpty(marker));
    }

    /// <summary>One List Blobs call; exposed so callers (and tests) can observe paging.</summary>
    public async Task<BlobListPage> ListPageAsync(BlobListOptions options, string? marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var message = _pipeline.CreateMessage(RequestMethod.Get, Uri);
        var uri = message.Request.Uri;
        uri.AppendQuery("restype", "container");
        uri.AppendQuery("comp", "list");
        if (!string.IsNullOrEmpty(options.Prefix))
        {
            uri.AppendQuery("prefix", options.Prefix);
        }

        if (!string.IsNullOrEmpty(marker))
        {
            uri.AppendQuery("marker", marker);
        }

        if (options.PageSize is { } size)
        {
            uri.AppendQuery("maxresults", size.ToString(CultureInfo.InvariantCulture));
        }

        if (options.IncludeMetadata)
        {
            uri.AppendQuery("include", "metadata");
        }

        var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
        var doc = await StoragePipeline.LoadXmlAsync(response.ContentStream!, cancellationToken).ConfigureAwait(false);
        return ParseListing(doc);
    }

    internal static BlobListPage ParseListing(XDocument doc)
    {
        var root = doc.Root ?? throw new StorageRequestFailedException("Empty blob listing.");
        var items = new List<BlobItem>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var nameElement = blob.Element("Name");
            var name = nameElement?.Value ?? string.Empty;

            // Names holding characters XML cannot carry come back percent-encoded with Encoded="true".
            if (string.Equals((string?)nameElement?.Attribute("Encoded"), "true", StringComparison.OrdinalIgnoreCase))
            {
                name = Uri.UnescapeDataString(name);
            }

            var props = blob.Element("Properties");
            string? Prop(string n) => props?.Element(n)?.Value;
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in blob.Element("Metadata")?.Elements() ?? [])
            {
                metadata[entry.Name.LocalName] = entry.Value;
            }

            var etag = Prop("Etag");
            var created = Prop("Creation-Time");
            var contentType = Prop("Content-Type");
            items.Add(new BlobItem(
                name,
                etag is null ? default : new ETag(etag),
                long.TryParse(Prop("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : 0,
                string.IsNullOrEmpty(contentType) ? null : contentType,
                Prop("Last-Modified") is { } modified ? StorageHeaders.ParseDate(modified) : default,
                string.IsNullOrEmpty(created) ? null : StorageHeaders.ParseDate(created),
                metadata));
        }

        var next = root.Element("NextMarker")?.Value;
        return new BlobListPage(items, string.IsNullOrEmpty(next) ? null : next);
    }

    private HttpMessage ContainerMessage(RequestMethod method)
    {
        var message = _pipeline.CreateMessage(method, Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        return message;
    }
}
