using System.Net.Http.Headers;

namespace Hit.Files.Tests;

/// <summary>Builds upload requests the way browsers and HTTP libraries do.</summary>
internal static class Multipart
{
    public static MultipartFormDataContent Upload(byte[] content, string fileName, string? contentType = "image/jpeg", string? bucket = null,
        params string[] tags) => Upload(content, fileName, contentType, bucket, isPublic: null, tags);

    /// <summary>An upload with the <c>public</c> field (sent as given, before the file part; null = not sent).</summary>
    public static MultipartFormDataContent Upload(byte[] content, string fileName, string? contentType, string? bucket, string? isPublic, params string[] tags)
    {
        var form = new MultipartFormDataContent();
        if (isPublic is not null)
        {
            form.Add(new StringContent(isPublic), "public");
        }

        if (bucket is not null)
        {
            form.Add(new StringContent(bucket), "bucket_name");
        }

        foreach (var tag in tags)
        {
            form.Add(new StringContent(tag), "file_tags");
        }

        var file = new ByteArrayContent(content);
        if (contentType is not null)
        {
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        // Set the raw header: MultipartFormDataContent would otherwise quote/escape the name its own way.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"" + fileName + "\"" };
        form.Add(file);
        return form;
    }
}
