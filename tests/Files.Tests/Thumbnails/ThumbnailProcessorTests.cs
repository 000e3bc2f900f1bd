using Azure.Storage.Blobs;
using Hit.Contracts.Files;
using Hit.Files.Storage;
using Hit.Files.Thumbnails;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Files.Tests.Thumbnails;

/// <summary>The trigger's processor in-process against Azurite and the Cosmos server: idempotency, staleness, limits.</summary>
public sealed class ThumbnailProcessorTests(FilesServicesFixture app) : IClassFixture<FilesServicesFixture>
{
    private ThumbnailProcessor Processor => app.Services.GetRequiredService<ThumbnailProcessor>();

    private FileStore Store => app.Services.GetRequiredService<FileStore>();

    private BlobContainerClient Uploads => app.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient("uploads");

    [Fact]
    public async Task Redelivery_OfTheSameBlob_IsANoOp()
    {
        var (ns, id, name) = NewPath("a.jpg");
        var input = await PutAsync(name, TestImages.Jpeg(640, 480));

        var first = new List<string>();
        await ProcessAsync(input, first, CancellationToken.None);
        var settled = await Store.GetAsync(ns, id, CancellationToken.None);
        var second = new List<string>();
        await ProcessAsync(input, second, CancellationToken.None);
        var again = await Store.GetAsync(ns, id, CancellationToken.None);

        Assert.Equal(FileStatuses.Ready, settled!.Status);
        Assert.Equal("direct", settled.Origin);
        Assert.Equal(1, again!.Attempts);
        Assert.Equal(settled.ETag, again.ETag); // not even rewritten
        Assert.StartsWith("no-op", Assert.Single(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewVersionOfTheBlob_IsProcessedAgain()
    {
        var (ns, id, name) = NewPath("v.jpg");
        await ProcessAsync(await PutAsync(name, TestImages.Jpeg(640, 480)), [], CancellationToken.None);
        await ProcessAsync(await PutAsync(name, TestImages.Jpeg(300, 600)), [], CancellationToken.None);

        var file = await Store.GetAsync(ns, id, CancellationToken.None);

        Assert.Equal((300, 600), (file!.Width, file.Height));
        Assert.Equal(2, file.Attempts);
    }

    [Fact]
    public async Task AnEventForAReplacedBlob_IsSkippedAsStale()
    {
        var (ns, id, name) = NewPath("s.jpg");
        var old = await PutAsync(name, TestImages.Jpeg(64, 64));
        await PutAsync(name, TestImages.Jpeg(32, 32, seed: 1));
        var logs = new List<string>();

        await ProcessAsync(old, logs, CancellationToken.None);

        Assert.Contains("replaced", Assert.Single(logs), StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(ns, id, CancellationToken.None));
    }

    [Fact]
    public async Task AnEventForADeletedBlob_CreatesNothing()
    {
        var (ns, id, name) = NewPath("d.jpg");
        var input = await PutAsync(name, TestImages.Jpeg(64, 64));
        await Uploads.GetBlobClient(name).DeleteAsync();
        var logs = new List<string>();

        await ProcessAsync(input, logs, CancellationToken.None);

        Assert.Contains("deleted", Assert.Single(logs), StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(ns, id, CancellationToken.None));
    }

    [Theory]
    [InlineData("loose.jpg")]
    [InlineData("{0}/not-allowed/0123456789abcdef/a.jpg")]
    [InlineData("{0}/chat-bucket/bad id!/a.jpg")]
    [InlineData("{0}/chat-bucket/0123456789abcdef/deeper/a.jpg")]
    public async Task BlobsOutsideTheLayout_AreIgnored(string pattern)
    {
        var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, FilesApp.NewNamespace());
        var input = await PutAsync(name, TestImages.Jpeg(16, 16));
        var logs = new List<string>();

        await ProcessAsync(input, logs, CancellationToken.None);

        Assert.StartsWith("ignored", Assert.Single(logs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADecompressionBomb_FailsCleanly_WithoutDecoding()
    {
        var (ns, id, name) = NewPath("bomb.jpg");
        // A tiny JPEG whose frame header claims 30000 × 30000 pixels (900 MP, over the 100 MP limit).
        var jpeg = TestImages.Jpeg(16, 16);
        var sof = FindMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0x75; jpeg[sof + 6] = 0x30; // height 30000
        jpeg[sof + 7] = 0x75; jpeg[sof + 8] = 0x30; // width 30000

        await ProcessAsync(await PutAsync(name, jpeg), [], CancellationToken.None);

        var file = await Store.GetAsync(ns, id, CancellationToken.None);
        Assert.Equal(FileStatuses.Failed, file!.Status);
        Assert.Contains("over the limits", file.StatusReason, StringComparison.Ordinal);
        // The header check's message: refused from the frame header, before any pixel buffer exists.
        Assert.Contains("30000x30000 pixels exceeds the limit", file.StatusReason, StringComparison.Ordinal);
    }

    private static (string Ns, string Id, string Name) NewPath(string file)
    {
        var ns = FilesApp.NewNamespace();
        var id = Guid.NewGuid().ToString("N");
        return (ns, id, $"{ns}/chat-bucket/{id}/{file}");
    }

    /// <summary>
    /// Writes the blob and returns what the trigger receives for it: the deferred-binding BlobClient (as the worker
    /// builds it, a client for the name) and the ETag of the version that fired (binding data <c>Properties.ETag</c>).
    /// </summary>
    private async Task<Triggered> PutAsync(string name, byte[] content)
    {
        await Uploads.CreateIfNotExistsAsync();
        var info = await Uploads.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return new Triggered(new BlobClient(TestBlobs.ConnectionString, "uploads", name), info.Value.ETag.ToString());
    }

    private Task ProcessAsync(Triggered input, List<string> logs, CancellationToken cancellationToken) =>
        Processor.ProcessAsync(input.Blob, input.ETag, logs, cancellationToken);

    private sealed record Triggered(BlobClient Blob, string ETag);

    private static int FindMarker(byte[] jpeg, byte marker)
    {
        for (var i = 2; i < jpeg.Length - 1; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }

        throw new InvalidOperationException("marker not found");
    }
}
