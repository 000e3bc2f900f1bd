using Hit.Platform.Storage;
using Hit.Testing;

namespace Hit.Files.Tests;

/// <summary>What is really in the test run's Azurite: tests assert on blobs, not only on API answers.</summary>
internal static class TestBlobs
{
    public static BlobServiceClient Service { get; } = new(StorageConnection.Parse(TestStack.StorageConnection));

    /// <summary>Names of the blobs under <paramref name="prefix"/> (an absent container counts as empty).</summary>
    public static async Task<List<string>> ListAsync(string container, string prefix)
    {
        var client = Service.GetContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var names = new List<string>();
        await foreach (var item in client.GetBlobsAsync(prefix))
        {
            names.Add(item.Name);
        }

        return names;
    }
}
