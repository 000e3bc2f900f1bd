using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace Hit.Files.Storage;

/// <summary>
/// Short-lived SAS URLs for single blobs. With the account key (Azurite, connection strings) a service SAS; with an
/// identity (Azure) a user delegation SAS, whose key is fetched once and reused until it is close to expiring, so
/// signing a URL costs no round trip. Needs the Storage Blob Delegator role in Azure (infra grants it).
/// </summary>
internal sealed class BlobUrlSigner(BlobServiceClient blobs, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromDays(1);
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private UserDelegationKey? _key;

    public async Task<(Uri Url, DateTimeOffset ExpiresAt)> SignAsync(string container, string blobName, BlobSasPermissions permissions, TimeSpan lifetime,
        CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow().Add(lifetime);
        var blob = blobs.GetBlobContainerClient(container).GetBlobClient(blobName);
        var sas = new BlobSasBuilder(permissions, expiresAt)
        {
            BlobContainerName = container,
            BlobName = blobName,
            Resource = "b",
            // HTTPS only wherever the endpoint is HTTPS (everywhere but the emulator).
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return (blob.GenerateSasUri(sas), expiresAt);
        }

        var key = await GetDelegationKeyAsync(expiresAt, cancellationToken);
        var uri = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, blobs.AccountName) };
        return (uri.ToUri(), expiresAt);
    }

    public void Dispose() => _keyLock.Dispose();

    private async Task<UserDelegationKey> GetDelegationKeyAsync(DateTimeOffset mustOutlive, CancellationToken cancellationToken)
    {
        if (_key is { } cached && cached.SignedExpiresOn > mustOutlive)
        {
            return cached;
        }

        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (_key is { } again && again.SignedExpiresOn > mustOutlive)
            {
                return again;
            }

            // Start a little in the past: the storage service's clock may be behind ours.
            var now = time.GetUtcNow();
            _key = (await blobs.GetUserDelegationKeyAsync(now.AddMinutes(-5), now.Add(DelegationKeyLifetime), cancellationToken)).Value;
            return _key;
        }
        finally
        {
            _keyLock.Release();
        }
    }
}
