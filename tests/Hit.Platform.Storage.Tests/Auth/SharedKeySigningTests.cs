using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Hit.Platform.Storage.Auth;

namespace Hit.Platform.Storage.Tests.Auth;

public sealed class SharedKeySigningTests
{
    private static readonly HttpPipeline Pipeline = HttpPipelineBuilder.Build(new StorageClientOptions());

    [Fact]
    public void StringToSign_FollowsSharedKeyLayout_SortedHeadersAndDecodedSortedQuery()
    {
        var request = Pipeline.CreateRequest();
        request.Method = RequestMethod.Put;
        request.Uri.Reset(new Uri("http://127.0.0.1:10000/devstoreaccount1/c/a%20b%23.txt"));
        request.Uri.AppendQuery("comp", "block");
        request.Uri.AppendQuery("blockid", "AB+/=");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("hello"));
        request.Headers.SetValue("x-ms-version", "2024-11-04");
        request.Headers.SetValue("x-ms-meta-zeta", "2");
        request.Headers.SetValue("X-MS-Meta-Alpha", "  1 ");
        request.Headers.SetValue("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT");
        request.Headers.SetValue("Content-Type", "text/plain");
        request.Headers.SetValue("If-Match", "\"0x1\"");
        request.Headers.SetValue("x-ms-range", "bytes=0-9");
        request.Headers.SetValue("User-Agent", "ignored");

        var stringToSign = SharedKeyAuthenticationPolicy.BuildStringToSign("devstoreaccount1", request);

        Assert.Equal(
            "PUT\n" +
            "\n" +           // Content-Encoding
            "\n" +           // Content-Language
            "5\n" +          // Content-Length
            "\n" +           // Content-MD5
            "text/plain\n" +
            "\n" +           // Date (x-ms-date is used)
            "\n" +           // If-Modified-Since
            "\"0x1\"\n" +
            "\n" +           // If-None-Match
            "\n" +           // If-Unmodified-Since
            "\n" +           // Range
            "x-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n" +
            "x-ms-meta-alpha:1\n" +
            "x-ms-meta-zeta:2\n" +
            "x-ms-range:bytes=0-9\n" +
            "x-ms-version:2024-11-04\n" +
            "/devstoreaccount1/devstoreaccount1/c/a%20b%23.txt\n" +
            "blockid:AB+/=\n" +
            "comp:block",
            stringToSign);
    }

    [Fact]
    public void StringToSign_ZeroLengthBodyAndRootPath_SignEmptyLengthAndSlash()
    {
        var request = Pipeline.CreateRequest();
        request.Method = RequestMethod.Put;
        request.Uri.Reset(new Uri("https://acct.queue.core.windows.net/jobs"));
        request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        request.Headers.SetValue("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT");

        var root = Pipeline.CreateRequest();
        root.Method = RequestMethod.Get;
        root.Uri.Reset(new Uri("https://acct.blob.core.windows.net"));
        root.Uri.AppendQuery("comp", "list");

        Assert.Equal("PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n/acct/jobs", SharedKeyAuthenticationPolicy.BuildStringToSign("acct", request));
        Assert.Equal("GET\n\n\n\n\n\n\n\n\n\n\n\n/acct/\ncomp:list", SharedKeyAuthenticationPolicy.BuildStringToSign("acct", root));
    }

    [Fact]
    public void ServiceSas_StringToSign_Uses20201206LayoutWithUnescapedBlobName()
    {
        var s = SasBuilder.ServiceSasStringToSign("acct", "photos", "Été/a b.png", "rw", "2030-01-01T00:00:00Z", "https");

        Assert.Equal(
            "rw\n\n2030-01-01T00:00:00Z\n/blob/acct/photos/Été/a b.png\n\n\nhttps\n" + StorageClientOptions.ServiceVersion + "\nb\n\n\n\n\n\n\n",
            s);
    }

    [Fact]
    public void UserDelegationSas_IsSignedWithTheDelegationKeyOverTheDocumentedFields()
    {
        var keyBytes = RandomNumberGenerator.GetBytes(32);
        var key = new UserDelegationKey(
            "oid-1", "tid-1", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero),
            "b", "2024-11-04", Convert.ToBase64String(keyBytes));
        var expected =
            "r\n\n2030-01-01T12:00:00Z\n/blob/acct/c/n.txt\noid-1\ntid-1\n2030-01-01T00:00:00Z\n2030-01-02T00:00:00Z\nb\n2024-11-04\n" +
            "\n\n\n" + // saoid, suoid, scid
            "\nhttps\n" + StorageClientOptions.ServiceVersion + "\nb\n\n\n\n\n\n\n";

        Assert.Equal(expected, SasBuilder.UserDelegationStringToSign("acct", key, "c", "n.txt", "r", "2030-01-01T12:00:00Z", "https"));

        var query = SasBuilder.UserDelegationSas("acct", key, "c", "n.txt", BlobSasPermissions.Read, new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero), "https");
        var sig = Uri.UnescapeDataString(query[(query.IndexOf("&sig=", StringComparison.Ordinal) + 5)..]);
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(keyBytes, Encoding.UTF8.GetBytes(expected))), sig);
        Assert.Contains("skoid=oid-1&sktid=tid-1&skt=2030-01-01T00%3A00%3A00Z", query, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Value, key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Permissions_AreEmittedInServiceOrder()
    {
        Assert.Equal("racwdt", SasBuilder.Permissions(BlobSasPermissions.All));
        Assert.Equal("rw", SasBuilder.Permissions(BlobSasPermissions.Write | BlobSasPermissions.Read));
        Assert.Throws<ArgumentException>(() => SasBuilder.Permissions(BlobSasPermissions.None));
    }

    [Fact]
    public async Task Pipeline_Retries503_AndSignsEveryAttemptWithStorageHeaders()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created);
        var queue = new QueueServiceClient(StorageConnection.Parse("UseDevelopmentStorage=true"), FastRetry(handler)).GetQueueClient("jobs");

        Assert.True(await queue.CreateIfNotExistsAsync());

        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r =>
        {
            Assert.StartsWith("SharedKey devstoreaccount1:", r.Authorization, StringComparison.Ordinal);
            Assert.Equal(StorageClientOptions.ServiceVersion, r.Version);
            Assert.False(string.IsNullOrEmpty(r.Date));
            Assert.False(string.IsNullOrEmpty(r.ClientRequestId));
            Assert.Equal("0", r.ContentLength);
        });
    }

    [Fact]
    public async Task Pipeline_DoesNotRetry4xx_AndSurfacesServiceErrorCode()
    {
        var handler = new ScriptedHandler(HttpStatusCode.BadRequest);
        var queue = new QueueServiceClient(StorageConnection.Parse("UseDevelopmentStorage=true"), FastRetry(handler)).GetQueueClient("jobs");

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Single(handler.Requests);
        Assert.Equal(400, ex.Status);
        Assert.Equal("InvalidQueryParameterValue", ex.ErrorCode);
        Assert.Equal("req-1", ex.RequestId);
    }

    [Fact]
    public async Task Pipeline_GivesUpAfterMaxRetriesOn500()
    {
        var handler = new ScriptedHandler(HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError);
        var queue = new QueueServiceClient(StorageConnection.Parse("UseDevelopmentStorage=true"), FastRetry(handler)).GetQueueClient("jobs");

        var ex = await Assert.ThrowsAsync<StorageRequestFailedException>(() => queue.CreateIfNotExistsAsync());

        Assert.Equal(500, ex.Status);
        Assert.Equal(3, handler.Requests.Count);
    }

    private static StorageClientOptions FastRetry(HttpMessageHandler handler)
    {
        var options = new StorageClientOptions { Transport = new HttpClientTransport(handler) };
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        return options;
    }

    private sealed record SeenRequest(string? Authorization, string? Version, string? Date, string? ClientRequestId, string? ContentLength);

    /// <summary>Answers with the scripted statuses in order (error bodies in the service's XML shape).</summary>
    private sealed class ScriptedHandler(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _next;

        public ConcurrentQueue<SeenRequest> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            static string? Header(HttpRequestMessage r, string name) =>
                r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) :
                r.Content?.Headers.TryGetValues(name, out var c) == true ? string.Join(",", c) : null;

            Requests.Enqueue(new SeenRequest(
                request.Headers.Authorization?.ToString(), Header(request, "x-ms-version"), Header(request, "x-ms-date"),
                Header(request, "x-ms-client-request-id"), request.Content?.Headers.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var status = statuses[Math.Min(_next++, statuses.Length - 1)];
            var response = new HttpResponseMessage(status) { RequestMessage = request };
            response.Headers.Add("x-ms-request-id", "req-1");
            if ((int)status >= 400)
            {
                response.Content = new StringContent(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InvalidQueryParameterValue</Code><Message>Bad value.\nRequestId:req-1</Message></Error>",
                    Encoding.UTF8,
                    "application/xml");
            }

            return Task.FromResult(response);
        }
    }
}
