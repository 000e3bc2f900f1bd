using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Hit.LocalHost.Worker;

/// <summary>
/// The right to run one blob version, taken on its receipt as the real host's BlobReceiptManager does: the receipt is
/// created with metadata <c>Incomplete=true</c>, leased, re-read under the lease, and completed by clearing that
/// metadata. A completed receipt, or one another host holds the lease on, means "not yours". A host that dies mid-run
/// leaves an incomplete receipt whose lease expires, so the next pass on any host runs the blob again. The lease is
/// renewed while the invocation runs, so a long invocation is not run a second time alongside.
/// </summary>
internal sealed class ReceiptClaim : IAsyncDisposable
{
    private const string IncompleteKey = "Incomplete";
    private static readonly TimeSpan LeasePeriod = TimeSpan.FromSeconds(30);

    private readonly BlobClient _receipt;
    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _renewing = new();
    private readonly Task _renewal;

    private ReceiptClaim(BlobClient receipt, BlobLeaseClient lease)
    {
        _receipt = receipt;
        _lease = lease;
        _renewal = RenewAsync(_renewing.Token);
    }

    /// <summary>The claim, or null when the blob was already run (completed receipt) or is being run elsewhere (leased).</summary>
    public static async Task<ReceiptClaim?> TryTakeAsync(BlobClient receipt, CancellationToken cancellationToken)
    {
        if (await IsCompletedAsync(receipt, cancellationToken).ConfigureAwait(false) is true)
        {
            return null;
        }

        try
        {
            await receipt.UploadAsync(BinaryData.Empty, new BlobUploadOptions
            {
                Metadata = new Dictionary<string, string> { [IncompleteKey] = "true" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another host created it first; whether it is still running is what the lease says.
        }

        var lease = receipt.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(LeasePeriod, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409)
        {
            return null;
        }

        // Under the lease: the host that held it before may have completed the run in the meantime.
        if (await IsCompletedAsync(receipt, cancellationToken).ConfigureAwait(false) is not false)
        {
            await ReleaseQuietlyAsync(lease).ConfigureAwait(false);
            return null;
        }

        return new ReceiptClaim(receipt, lease);
    }

    /// <summary>Marks the receipt completed: this blob version is never run again, on any host with this host id.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken) =>
        await _receipt.SetMetadataAsync(new Dictionary<string, string>(), new BlobRequestConditions { LeaseId = _lease.LeaseId }, cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _renewing.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _renewing.Dispose();
        await ReleaseQuietlyAsync(_lease).ConfigureAwait(false);
    }

    /// <summary>True completed, false incomplete, null absent.</summary>
    private static async Task<bool?> IsCompletedAsync(BlobClient receipt, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await receipt.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return !properties.Metadata.Keys.Any(key => key.Equals(IncompleteKey, StringComparison.OrdinalIgnoreCase));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(LeasePeriod / 3, cancellationToken).ConfigureAwait(false);
            await _lease.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReleaseQuietlyAsync(BlobLeaseClient lease)
    {
        try
        {
            await lease.ReleaseAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // An expired or lost lease needs no release; the next host takes the receipt when it is free.
        }
    }
}
