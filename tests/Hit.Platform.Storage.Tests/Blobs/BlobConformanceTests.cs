using System.Security.Cryptography;
using Azure;
using Azure.Core;

namespace Hit.Platform.Storage.Tests.Blobs;

public sealed class BlobConformanceTests
{
    private static readonly Dictionary<string, string> SampleMetadata = new() { ["owner"] = "alice", ["kind"] = "avatar" };

    [Fact]
    public async Task CreateIfNotExists_SecondCall_ReturnsFalseAndContainerExists()
    {
        var container = StorageTestEnvironment.Blobs().GetContainerClient(StorageTestEnvironment.UniqueName("t"));
        Assert.False(await container.ExistsAsync());

        Assert.True(await container.CreateIfNotExistsAsync());
        Assert.False(await container.CreateIfNotExistsAsync());
        Assert.True(await container.ExistsAsync());

        Assert.True(await container.DeleteIfExistsAsync());
        Assert.False(await container.DeleteIfExistsAsync());
        Assert.False(await container.ExistsAsync());
    }

    [Fact]
    public async Task Upload_WithContentTypeAndMetadata_RoundTripsThroughGetDownloadAndList()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("docs/readme.txt");

        var info = await blob.UploadAsync(BinaryData.FromString("hello storage"), new BlobUploadOptions
        {
            ContentType = "text/plain; charset=utf-8",
            Metadata = SampleMetadata,
        });

        var props = await blob.GetPropertiesAsync();
        Assert.Equal("text/plain; charset=utf-8", props.ContentType);
        Assert.Equal(13, props.ContentLength);
        Assert.Equal(info.ETag, props.ETag);
        Assert.Equal("alice", props.Metadata["owner"]);
        Assert.Equal("avatar", props.Metadata["kind"]);

        var download = await blob.DownloadContentAsync();
        Assert.Equal("hello storage", download.Content.ToString());
        Assert.Equal("text/plain; charset=utf-8", download.Details.ContentType);
        Assert.Equal(info.ETag, download.Details.ETag);
        Assert.Equal("alice", download.Details.Metadata["owner"]);

        var listed = await ToListAsync(tc.Client.GetBlobsAsync(new BlobListOptions { IncludeMetadata = true }));
        var item = Assert.Single(listed);
        Assert.Equal("docs/readme.txt", item.Name);
        Assert.Equal(13, item.ContentLength);
        Assert.Equal("text/plain; charset=utf-8", item.ContentType);
        Assert.Equal(info.ETag, item.ETag);
        Assert.NotNull(item.CreatedOn);
        Assert.Equal("avatar", item.Metadata["kind"]);

        var withoutMetadata = Assert.Single(await ToListAsync(tc.Client.GetBlobsAsync()));
        Assert.Empty(withoutMetadata.Metadata);

        await blob.DeleteAsync();
        Assert.False(await blob.ExistsAsync());
        Assert.Empty(await ToListAsync(tc.Client.GetBlobsAsync()));
    }

    [Fact]
    public async Task SetMetadata_ReplacesMetadataAndChangesETag()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("m.bin");
        var first = await blob.UploadAsync(BinaryData.FromBytes([1, 2, 3]), new BlobUploadOptions { Metadata = SampleMetadata });

        var second = await blob.SetMetadataAsync(new Dictionary<string, string> { ["status"] = "scanned" });

        Assert.NotEqual(first.ETag, second.ETag);
        var props = await blob.GetPropertiesAsync();
        Assert.Equal("scanned", Assert.Single(props.Metadata).Value);
    }

    [Fact]
    public async Task DownloadStreaming_ReturnsNetworkStreamWithDetails()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("stream.bin");
        var data = RandomNumberGenerator.GetBytes(300_000);
        await blob.UploadAsync(new MemoryStream(data), new BlobUploadOptions { ContentType = "application/octet-stream" });

        await using var result = await blob.DownloadStreamingAsync();
        using var copy = new MemoryStream();
        await result.Content.CopyToAsync(copy);

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(data.Length, result.Details.ContentLength);
        Assert.Equal(data.Length, result.Details.BlobLength);
        Assert.Equal("application/octet-stream", result.Details.ContentType);
        Assert.Null(result.Details.ContentRange);
    }

    [Fact]
    public async Task DownloadStreaming_WithRange_ReturnsOnlyThoseBytesAndContentRange()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("range.bin");
        var data = RandomNumberGenerator.GetBytes(10_000);
        await blob.UploadAsync(BinaryData.FromBytes(data));

        await using var result = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(1000, 500) });
        using var copy = new MemoryStream();
        await result.Content.CopyToAsync(copy);

        Assert.Equal(data.AsSpan(1000, 500).ToArray(), copy.ToArray());
        Assert.Equal(500, result.Details.ContentLength);
        Assert.Equal("bytes 1000-1499/10000", result.Details.ContentRange);
        Assert.Equal(10_000, result.Details.BlobLength);

        var tail = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(9_990) });
        Assert.Equal(data.AsSpan(9_990).ToArray(), tail.Content.ToArray());
    }

    [Fact]
    public async Task Upload_NonSeekableStreamLargerThanThreshold_UsesBlocksAndRoundTripsByteExact()
    {
        var recorder = new RecordingPolicy();
        var service = StorageTestEnvironment.Blobs(o =>
        {
            o.SingleUploadThreshold = 1024 * 1024;
            o.BlockSize = 256 * 1024;
            o.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        });
        await using var tc = await TestContainer.CreateAsync(service);
        var blob = tc.Client.GetBlobClient("big/3mib.bin");
        const long size = (3 * 1024 * 1024) + 12_345;
        using var source = new GeneratedStream(size, seed: 42);

        var info = await blob.UploadAsync(source, new BlobUploadOptions { ContentType = "application/x-test", Metadata = SampleMetadata });

        // ceil(3 MiB + 12345 / 256 KiB) = 13 blocks, one commit, no single Put Blob.
        Assert.Equal(13, recorder.Count("comp=block&"));
        Assert.Equal(1, recorder.Count("comp=blocklist"));
        await using var download = await blob.DownloadStreamingAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await download.Content.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            total += n;
        }

        Assert.Equal(size, total);
        Assert.Equal(source.Sha256, sha.GetCurrentHash());
        Assert.Equal(info.ETag, download.Details.ETag);
        Assert.Equal("application/x-test", download.Details.ContentType);
        Assert.Equal("alice", download.Details.Metadata["owner"]);
    }

    [Fact]
    public async Task Upload_SeekableStreamLargerThanThreshold_UsesBlocksAndLeavesCallerStreamOpen()
    {
        var recorder = new RecordingPolicy();
        var service = StorageTestEnvironment.Blobs(o =>
        {
            o.SingleUploadThreshold = 100_000;
            o.BlockSize = 64 * 1024;
            o.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        });
        await using var tc = await TestContainer.CreateAsync(service);
        var data = RandomNumberGenerator.GetBytes(200_000);
        using var stream = new MemoryStream(data);

        await tc.Client.GetBlobClient("seekable.bin").UploadAsync(stream);
        await tc.Client.GetBlobClient("small.bin").UploadAsync(new MemoryStream(data, 0, 1000));

        Assert.Equal(4, recorder.Count("comp=block&"));
        Assert.True(stream.CanRead);
        Assert.Equal(data, (await tc.Client.GetBlobClient("seekable.bin").DownloadContentAsync()).Content.ToArray());
        Assert.Equal(data.AsSpan(0, 1000).ToArray(), (await tc.Client.GetBlobClient("small.bin").DownloadContentAsync()).Content.ToArray());
    }

    [Fact]
    public async Task Upload_EmptyNonSeekableStream_CreatesEmptyBlob()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("empty");
        using var source = new GeneratedStream(0, seed: 1);

        await blob.UploadAsync(source);

        Assert.Equal(0, (await blob.GetPropertiesAsync()).ContentLength);
    }

    [Fact]
    public async Task GetBlobs_WithPrefixAndSmallPages_FollowsNextMarkerAndFiltersByPrefix()
    {
        var recorder = new RecordingPolicy();
        var service = StorageTestEnvironment.Blobs(o => o.AddPolicy(recorder, HttpPipelinePosition.PerCall));
        await using var tc = await TestContainer.CreateAsync(service);
        for (var i = 0; i < 5; i++)
        {
            await tc.Client.GetBlobClient($"photos/{i}.jpg").UploadAsync(BinaryData.FromString("x"));
        }

        await tc.Client.GetBlobClient("other/skip.jpg").UploadAsync(BinaryData.FromString("x"));

        var firstPage = await tc.Client.ListPageAsync(new BlobListOptions { Prefix = "photos/", PageSize = 2 }, marker: null);
        Assert.Equal(2, firstPage.Items.Count);
        Assert.NotNull(firstPage.NextMarker);

        var before = recorder.Count("comp=list");
        var all = await ToListAsync(tc.Client.GetBlobsAsync(new BlobListOptions { Prefix = "photos/", PageSize = 2 }));

        Assert.Equal(["photos/0.jpg", "photos/1.jpg", "photos/2.jpg", "photos/3.jpg", "photos/4.jpg"], all.Select(b => b.Name));
        Assert.Equal(3, recorder.Count("comp=list") - before);
        Assert.Equal(6, (await ToListAsync(tc.Client.GetBlobsAsync())).Count);
    }

    [Fact]
    public async Task Upload_IfNoneMatchStarOnExistingBlob_FailsWithConflict()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("once.txt");
        var createOnly = new BlobUploadOptions { Conditions = BlobRequestConditions.IfNotExists() };
        await blob.UploadAsync(BinaryData.FromString("first"), createOnly);

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("second"), createOnly));

        Assert.Contains(ex.Status, new[] { 409, 412 });
        Assert.Equal("first", (await blob.DownloadContentAsync()).Content.ToString());
    }

    [Fact]
    public async Task Upload_IfNoneMatchStarWithBlocks_FailsOnCommitAndKeepsOriginal()
    {
        var service = StorageTestEnvironment.Blobs(o =>
        {
            o.SingleUploadThreshold = 64 * 1024;
            o.BlockSize = 64 * 1024;
        });
        await using var tc = await TestContainer.CreateAsync(service);
        var blob = tc.Client.GetBlobClient("once-big.bin");
        var createOnly = new BlobUploadOptions { Conditions = BlobRequestConditions.IfNotExists() };
        await blob.UploadAsync(BinaryData.FromString("first"), createOnly);

        using var source = new GeneratedStream(200_000, seed: 7);
        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.UploadAsync(source, createOnly));

        Assert.Contains(ex.Status, new[] { 409, 412 });
        Assert.Equal("first", (await blob.DownloadContentAsync()).Content.ToString());
    }

    [Fact]
    public async Task Upload_IfMatchWithStaleETag_Fails412ConditionNotMet()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("doc.json");
        var v1 = await blob.UploadAsync(BinaryData.FromString("{\"v\":1}"));
        var v2 = await blob.UploadAsync(BinaryData.FromString("{\"v\":2}"), new BlobUploadOptions { Conditions = BlobRequestConditions.IfMatchETag(v1.ETag) });

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() =>
            blob.UploadAsync(BinaryData.FromString("{\"v\":3}"), new BlobUploadOptions { Conditions = BlobRequestConditions.IfMatchETag(v1.ETag) }));

        Assert.Equal(412, ex.Status);
        Assert.Equal("ConditionNotMet", ex.ErrorCode);
        var current = await blob.DownloadContentAsync();
        Assert.Equal("{\"v\":2}", current.Content.ToString());
        Assert.Equal(v2.ETag, current.Details.ETag);
    }

    [Fact]
    public async Task Download_IfNoneMatchCurrentETag_Returns304AsError()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("cached.txt");
        var info = await blob.UploadAsync(BinaryData.FromString("cached"));

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() =>
            blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = info.ETag } }));

        Assert.Equal(304, ex.Status);
    }

    [Fact]
    public async Task Request_WithWrongAccountKey_Fails403AuthenticationFailed()
    {
        var container = new BlobServiceClient(StorageTestEnvironment.WrongKeyConnection(), StorageTestEnvironment.Options())
            .GetContainerClient(StorageTestEnvironment.UniqueName("t"));

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => container.CreateIfNotExistsAsync());

        Assert.Equal(403, ex.Status);
        // Azure answers a bad signature with AuthenticationFailed; Azurite's blob endpoint (3.37,
        // AuthenticationMiddlewareFactory) says AuthorizationFailure with the same "failed to authenticate" text.
        // The queue test pins AuthenticationFailed, which Azurite's queue endpoint does return.
        Assert.Contains(ex.ErrorCode, new[] { "AuthenticationFailed", "AuthorizationFailure" });
        Assert.Contains("failed to authenticate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingBlob_Fails404BlobNotFound_AndIfExistsHelpersReturnFalse()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("nope.txt");

        var get = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.DownloadContentAsync());
        var head = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.GetPropertiesAsync());
        var delete = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.DeleteAsync());

        Assert.All(new[] { get, head, delete }, ex =>
        {
            Assert.Equal(404, ex.Status);
            Assert.True(ex.IsNotFound);
            Assert.Equal("BlobNotFound", ex.ErrorCode);
        });
        Assert.False(await blob.DeleteIfExistsAsync());
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task MissingContainer_Fails404ContainerNotFound()
    {
        var blob = StorageTestEnvironment.Blobs().GetContainerClient(StorageTestEnvironment.UniqueName("t")).GetBlobClient("x");

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("x")));

        Assert.Equal(404, ex.Status);
        Assert.Equal("ContainerNotFound", ex.ErrorCode);
        Assert.False(await blob.DeleteIfExistsAsync());
    }

    [Fact]
    public async Task Upload_BlocksIntoMissingContainer_Fails404WithoutCommitting()
    {
        var recorder = new RecordingPolicy();
        var service = StorageTestEnvironment.Blobs(o =>
        {
            o.SingleUploadThreshold = 64 * 1024;
            o.BlockSize = 64 * 1024;
            o.MaxUploadConcurrency = 2;
            o.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        });
        var blob = service.GetContainerClient(StorageTestEnvironment.UniqueName("t")).GetBlobClient("orphan.bin");
        using var source = new GeneratedStream(1024 * 1024, seed: 3);

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => blob.UploadAsync(source));

        Assert.Equal(404, ex.Status);
        Assert.Equal("ContainerNotFound", ex.ErrorCode);
        Assert.Equal(0, recorder.Count("comp=blocklist"));
        // The failure stops the upload early instead of pushing all 16 blocks.
        Assert.True(recorder.Count("comp=block&") < 16);
    }

    [Theory]
    [InlineData("with space.txt", "with%20space.txt")]
    [InlineData("Été 写真.png", "%C3%89t%C3%A9%20%E5%86%99%E7%9C%9F.png")]
    [InlineData("a#b?c%d+e.txt", "a%23b%3Fc%25d%2Be.txt")]
    [InlineData("x/y/z.txt", "x/y/z.txt")]
    public async Task BlobName_NeedingEscaping_RoundTripsAndListsVerbatim(string name, string escaped)
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient(name);

        Assert.Equal(tc.Client.Uri.AbsoluteUri + "/" + escaped, blob.Uri.AbsoluteUri);
        Assert.Equal(name, blob.Name);

        await blob.UploadAsync(BinaryData.FromString(name), new BlobUploadOptions { ContentType = "text/plain" });

        Assert.Equal(name, (await blob.DownloadContentAsync()).Content.ToString());
        Assert.Equal(name, Assert.Single(await ToListAsync(tc.Client.GetBlobsAsync())).Name);
        Assert.Equal(name, Assert.Single(await ToListAsync(tc.Client.GetBlobsAsync(prefix: name[..3]))).Name);
        Assert.True(await blob.DeleteIfExistsAsync());
    }

    [Fact]
    public async Task Upload_InvalidMetadataName_ThrowsBeforeSending()
    {
        await using var tc = await TestContainer.CreateAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => tc.Client.GetBlobClient("m").UploadAsync(
            BinaryData.FromString("x"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["bad-name"] = "v" } }));
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
