using Hit.Files.Page;

namespace Hit.Files.Tests.Page;

/// <summary>The page template filled from the app's options, without a host.</summary>
public sealed class UploadPageRenderTests
{
    [Fact]
    public void Render_ListsAllowedBucketsWithDefaultSelected_AndTheUploadLimit()
    {
        var options = new FilesOptions { Buckets = ["avatars", "chat-bucket"], DefaultBucket = "chat-bucket", MaxUploadBytes = 3 * 1024 * 1024 };

        var html = System.Text.Encoding.UTF8.GetString(UploadPageFunctions.Render(options).Content);

        Assert.Contains("<select id=\"bucket\" name=\"bucket_name\"><option value=\"avatars\">avatars</option>"
            + "<option value=\"chat-bucket\" selected>chat-bucket</option></select>", html, StringComparison.Ordinal);
        Assert.Contains("data-max-bytes=\"3145728\"", html, StringComparison.Ordinal);
        Assert.Contains("at most 3 MB each", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SameOptions_SameETag_OtherOptions_OtherETag()
    {
        var first = UploadPageFunctions.Render(new FilesOptions { MaxUploadBytes = 1000 });
        var again = UploadPageFunctions.Render(new FilesOptions { MaxUploadBytes = 1000 });
        var other = UploadPageFunctions.Render(new FilesOptions { MaxUploadBytes = 2000 });

        Assert.Equal(first.ETag, again.ETag);
        Assert.NotEqual(first.ETag, other.ETag);
        Assert.Equal("text/html; charset=utf-8", first.ContentType);
    }

    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(3 * 1024 * 1024, "3 MB")]
    [InlineData(100L * 1024 * 1024, "100 MB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5 GB")]
    public void FormatBytes_RoundsToOneDecimal(long bytes, string expected) =>
        Assert.Equal(expected, UploadPageFunctions.FormatBytes(bytes));
}
