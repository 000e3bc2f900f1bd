using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure.Core;
using Hit.Platform.Storage.Core;

namespace Hit.Platform.Storage;

/// <summary>Entry point for the Blob service of one account. Thread-safe; register as a singleton.</summary>
public sealed class BlobServiceClient
{
    private readonly StoragePipeline _pipeline;

    public BlobServiceClient(StorageConnection connection, StorageClientOptions? options = null)
    {
        _pipeline = StoragePipeline.Create(connection, options);
        Uri = connection.RequireBlobEndpoint();
    }

    /// <summary>The service endpoint (no trailing slash).</summary>
    public Uri Uri { get; }

    public string AccountName => _pipeline.Connection.AccountName;

    public BlobContainerClient GetContainerClient(string containerName) => new(_pipeline, Uri, containerName);

    /// <summary>
    /// Get User Delegation Key: only for identity-based connections (the service refuses shared-key callers).
    /// The key signs user delegation SAS tokens via <see cref="BlobClient.GenerateUserDelegationSasUri"/>.
    /// </summary>
    public async Task<UserDelegationKey> GetUserDelegationKeyAsync(DateTimeOffset? startsOn, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        if (_pipeline.Connection.HasSharedKey)
        {
            throw new InvalidOperationException("A user delegation key requires an identity-based (token credential) connection.");
        }

        var message = _pipeline.CreateMessage(RequestMethod.Post, Uri);
        message.Request.Uri.AppendPath("/", escape: false);
        message.Request.Uri.AppendQuery("restype", "service");
        message.Request.Uri.AppendQuery("comp", "userdelegationkey");
        var body = new XElement(
            "KeyInfo",
            new XElement("Start", SasBuilder.FormatTime(startsOn ?? DateTimeOffset.UtcNow)),
            new XElement("Expiry", SasBuilder.FormatTime(expiresOn)));
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting)));
        message.Request.Headers.SetValue("Content-Type", "application/xml");

        using (message)
        {
            var response = await _pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
            var doc = await StoragePipeline.LoadXmlAsync(response.ContentStream!, cancellationToken).ConfigureAwait(false);
            var key = doc.Root ?? throw new StorageRequestFailedException("Empty user delegation key response.");
            string Field(string name) => key.Element(name)?.Value ?? string.Empty;
            return new UserDelegationKey(
                Field("SignedOid"),
                Field("SignedTid"),
                DateTimeOffset.Parse(Field("SignedStart"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
                DateTimeOffset.Parse(Field("SignedExpiry"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
                Field("SignedService"),
                Field("SignedVersion"),
                Field("Value"));
        }
    }
}
