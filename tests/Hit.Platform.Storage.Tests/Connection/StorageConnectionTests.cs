using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Platform.Storage.Tests.Connection;

public sealed class StorageConnectionTests
{
    private const string Key = "c2VjcmV0LWtleS1tYXRlcmlhbC1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5YWJjZGVm";

    [Fact]
    public void Parse_UseDevelopmentStorage_UsesEmulatorPortsAndWellKnownAccount()
    {
        var c = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", c.AccountName);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", c.BlobEndpoint!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", c.QueueEndpoint!.AbsoluteUri);
        Assert.True(c.HasSharedKey);
        Assert.Null(c.TokenCredential);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_WinOverDerivedOnes()
    {
        var c = StorageConnection.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:12000/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:12001/devstoreaccount1;");

        Assert.Equal("devstoreaccount1", c.AccountName);
        Assert.Equal("http://127.0.0.1:12000/devstoreaccount1", c.BlobEndpoint!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:12001/devstoreaccount1", c.QueueEndpoint!.AbsoluteUri);
        Assert.True(c.HasSharedKey);
    }

    [Fact]
    public void Parse_EndpointsOnly_DerivesAccountNameFromPathOrHost()
    {
        var pathStyle = StorageConnection.Parse($"AccountKey={Key};BlobEndpoint=http://127.0.0.1:12000/myacct");
        var hostStyle = StorageConnection.Parse($"AccountKey={Key};QueueEndpoint=https://other.queue.core.windows.net");

        Assert.Equal("myacct", pathStyle.AccountName);
        Assert.Equal("other", hostStyle.AccountName);
        Assert.Null(hostStyle.BlobEndpoint);
    }

    [Fact]
    public void Parse_EndpointSuffix_BuildsHttpsServiceEndpoints()
    {
        var c = StorageConnection.Parse($"DefaultEndpointsProtocol=https;AccountName=hitprod;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal("https://hitprod.blob.core.chinacloudapi.cn/", c.BlobEndpoint!.AbsoluteUri);
        Assert.Equal("https://hitprod.queue.core.chinacloudapi.cn/", c.QueueEndpoint!.AbsoluteUri);
    }

    [Fact]
    public void Parse_NoSuffix_DefaultsToPublicCloud()
    {
        var c = StorageConnection.Parse($"AccountName=hitprod;AccountKey={Key}");

        Assert.Equal("https://hitprod.blob.core.windows.net/", c.BlobEndpoint!.AbsoluteUri);
        Assert.Equal("https://hitprod.queue.core.windows.net/", c.QueueEndpoint!.AbsoluteUri);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=hitprod;AccountKey=" + Key)]
    public void ToString_NeverContainsTheKey(string connectionString)
    {
        var text = StorageConnection.Parse(connectionString).ToString();

        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq", text, StringComparison.Ordinal);
        Assert.Contains("redacted", text, StringComparison.Ordinal);
        Assert.Contains("AccountName=", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=a;AccountKey=not*base64")]
    [InlineData("AccountName=a")]
    [InlineData("garbage")]
    [InlineData("AccountName=a;AccountKey=abcd;SharedAccessSignature=sv=2020")]
    public void Parse_InvalidConnectionString_ThrowsFormatExceptionWithoutKeyMaterial(string connectionString)
    {
        var ex = Assert.Throws<FormatException>(() => StorageConnection.Parse(connectionString));

        Assert.DoesNotContain("not*base64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_ConnectionStringAtName_IsParsed()
    {
        var config = Config(new() { ["Uploads"] = "UseDevelopmentStorage=true" });

        var c = StorageConnection.FromConfiguration(config, "Uploads");

        Assert.True(c.HasSharedKey);
        Assert.Equal("devstoreaccount1", c.AccountName);
    }

    [Fact]
    public void FromConfiguration_AzureWebJobsPrefixedSetting_IsUsedWhenNameIsAbsent()
    {
        var config = Config(new() { ["AzureWebJobsUploads"] = "UseDevelopmentStorage=true" });

        Assert.True(StorageConnection.FromConfiguration(config, "Uploads").HasSharedKey);
    }

    [Fact]
    public void FromConfiguration_IdentityServiceUris_WithManagedIdentityClientId_UsesManagedIdentityCredential()
    {
        var config = Config(new()
        {
            ["AzureWebJobsStorage__blobServiceUri"] = "https://hitprod.blob.core.windows.net",
            ["AzureWebJobsStorage__queueServiceUri"] = "https://hitprod.queue.core.windows.net",
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        var c = StorageConnection.FromConfiguration(config);

        Assert.False(c.HasSharedKey);
        Assert.IsType<ManagedIdentityCredential>(c.TokenCredential);
        Assert.Equal("hitprod", c.AccountName);
        Assert.Equal("https://hitprod.blob.core.windows.net/", c.BlobEndpoint!.AbsoluteUri);
        Assert.Equal("https://hitprod.queue.core.windows.net/", c.QueueEndpoint!.AbsoluteUri);
    }

    [Fact]
    public void FromConfiguration_AccountNameOnly_BuildsHttpsEndpointsWithDefaultAzureCredential()
    {
        // Section form ("name:key") is what environment variables "name__key" become in .NET configuration.
        var config = Config(new() { ["Storage:accountName"] = "hitdev" });

        var c = StorageConnection.FromConfiguration(config, "Storage");

        Assert.IsType<DefaultAzureCredential>(c.TokenCredential);
        Assert.Equal("hitdev", c.AccountName);
        Assert.Equal("https://hitdev.blob.core.windows.net/", c.BlobEndpoint!.AbsoluteUri);
        Assert.Equal("https://hitdev.queue.core.windows.net/", c.QueueEndpoint!.AbsoluteUri);
    }

    [Fact]
    public void FromConfiguration_ManagedIdentityWithoutClientId_UsesSystemAssignedIdentity()
    {
        var config = Config(new()
        {
            ["AzureWebJobsStorage__queueServiceUri"] = "https://hitprod.queue.core.windows.net",
            ["AzureWebJobsStorage__credential"] = "managedidentity",
        });

        var c = StorageConnection.FromConfiguration(config);

        Assert.IsType<ManagedIdentityCredential>(c.TokenCredential);
        Assert.Null(c.BlobEndpoint);
        Assert.Throws<InvalidOperationException>(() => new BlobServiceClient(c));
    }

    [Fact]
    public void FromConfiguration_Missing_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(Config(new()), "Payments"));

        Assert.Contains("Payments", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHitStorage_RegistersSingletonsFromConfiguration()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Config(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));
        services.AddHitStorage(configure: o => o.MessageEncoding = QueueMessageEncoding.None);
        using var provider = services.BuildServiceProvider();

        var blobs = provider.GetRequiredService<BlobServiceClient>();
        var queues = provider.GetRequiredService<QueueServiceClient>();

        Assert.Same(blobs, provider.GetRequiredService<BlobServiceClient>());
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", blobs.Uri.AbsoluteUri);
        Assert.Equal(QueueMessageEncoding.None, queues.MessageEncoding);
        Assert.Equal("devstoreaccount1", provider.GetRequiredService<StorageConnection>().AccountName);
    }

    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
