using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hit.Testing;

namespace Hit.Files.Tests;

/// <summary>What is really in the test run's Azurite: tests assert on blobs, not only on API answers.</summary>
internal static class TestBlobs
{
    public static string ConnectionString => TestStack.StorageConnection;

    public static BlobServiceClient Service { get; } = new(ConnectionString);

    /// <summary>Names of the blobs under <paramref name="prefix"/> (an absent container counts as empty).</summary>
    public static async Task<List<string>> ListAsync(string container, string prefix)
    {
        var client = Service.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var names = new List<string>();
        await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }
}
