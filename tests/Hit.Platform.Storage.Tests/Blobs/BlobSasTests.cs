using System.Net;

namespace Hit.Platform.Storage.Tests.Blobs;

public sealed class BlobSasTests
{
    private static readonly HttpClient Http = new();

    [Theory]
    [InlineData("report.pdf")]
    [InlineData("nested/Été 写真.png")]
    [InlineData("a#b?c%d+e.txt")]
    public async Task ServiceSas_ReadPermission_AllowsPlainHttpGet(string name)
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString("sas content"), new BlobUploadOptions { ContentType = "text/plain" });

        var sasUri = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(5));
        using var response = await Http.GetAsync(sasUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sas content", await response.Content.ReadAsStringAsync());
        Assert.Contains("sp=r", sasUri.Query, StringComparison.Ordinal);
        Assert.Contains("sr=b", sasUri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceSas_ReadOnly_CannotWrite()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("readonly.txt");
        await blob.UploadAsync(BinaryData.FromString("original"));
        var sasUri = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(5));

        using var put = PutBlockBlob(sasUri, "overwritten");
        using var response = await Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("original", (await blob.DownloadContentAsync()).Content.ToString());
    }

    [Fact]
    public async Task ServiceSas_WritePermission_AllowsPlainHttpPut()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("uploads/direct.txt");
        var sasUri = blob.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(5));

        using var put = PutBlockBlob(sasUri, "direct upload");
        using var response = await Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("direct upload", (await blob.DownloadContentAsync()).Content.ToString());
        Assert.Contains("sp=cw", sasUri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceSas_Expired_IsRejected()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("expired.txt");
        await blob.UploadAsync(BinaryData.FromString("secret"));

        var sasUri = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(-5));
        using var response = await Http.GetAsync(sasUri);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ServiceSas_TamperedSignature_IsRejected()
    {
        await using var tc = await TestContainer.CreateAsync();
        var blob = tc.Client.GetBlobClient("tamper.txt");
        await blob.UploadAsync(BinaryData.FromString("secret"));
        var sasUri = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(5));

        // Widening the permissions without re-signing must not work.
        var tampered = new Uri(sasUri.AbsoluteUri.Replace("sp=r", "sp=rw", StringComparison.Ordinal));
        using var response = await Http.GetAsync(tampered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetUserDelegationKey_OnSharedKeyConnection_IsRefusedLocally()
    {
        var service = StorageTestEnvironment.Blobs();

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.GetUserDelegationKeyAsync(null, DateTimeOffset.UtcNow.AddHours(1)));
    }

    private static HttpRequestMessage PutBlockBlob(Uri sasUri, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, sasUri) { Content = new StringContent(text) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", StorageClientOptions.ServiceVersion);
        return request;
    }
}
