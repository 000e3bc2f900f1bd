using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hit.Platform.Storage.Auth;

namespace Hit.Platform.Storage.Core;

/// <summary>The HTTP pipeline shared by the blob and queue clients, plus request/response helpers.</summary>
internal sealed class StoragePipeline
{
    public const string StorageScope = "https://storage.azure.com/.default";

    private StoragePipeline(HttpPipeline pipeline, StorageConnection connection, StorageClientOptions options)
    {
        Pipeline = pipeline;
        Connection = connection;
        Options = options;
    }

    public HttpPipeline Pipeline { get; }

    public StorageConnection Connection { get; }

    public StorageClientOptions Options { get; }

    public static StoragePipeline Create(StorageConnection connection, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new StorageClientOptions();
        options.Validate();

        HttpPipelinePolicy auth = connection.HasSharedKey
            ? new SharedKeyAuthenticationPolicy(connection.AccountName, connection.AccountKey)
            : new BearerTokenAuthenticationPolicy(
                connection.TokenCredential ?? throw new ArgumentException("The connection has neither a shared key nor a credential.", nameof(connection)),
                StorageScope);

        // Default classifier: retry 408/429/500/502/503/504 and transport failures; never other 4xx.
        var pipeline = HttpPipelineBuilder.Build(options, [new StorageVersionPolicy()], [auth], new ResponseClassifier());
        return new StoragePipeline(pipeline, connection, options);
    }

    public HttpMessage CreateMessage(RequestMethod method, Uri uri)
    {
        var message = Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        if (method == RequestMethod.Put || method == RequestMethod.Post)
        {
            // The service answers 411 to a PUT/POST without Content-Length; an empty body sends "0".
            message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        }

        return message;
    }

    /// <summary>Sends and throws <see cref="StorageRequestFailedException"/> unless the status is one of <paramref name="expected"/>.</summary>
    public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken, params int[] expected)
    {
        await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (Array.IndexOf(expected, response.Status) < 0)
        {
            throw await CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    public static async Task<StorageRequestFailedException> CreateExceptionAsync(Response response, CancellationToken cancellationToken)
    {
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        response.Headers.TryGetValue("x-ms-request-id", out var requestId);
        string? serviceMessage = null;
        string? authDetail = null;

        if (response.ContentStream is { } body)
        {
            try
            {
                var doc = await XDocument.LoadAsync(body, LoadOptions.None, cancellationToken).ConfigureAwait(false);
                var error = doc.Root;
                code ??= error?.Element("Code")?.Value;
                serviceMessage = error?.Element("Message")?.Value;
                authDetail = error?.Element("AuthenticationErrorDetail")?.Value;
            }
            catch (XmlException)
            {
                // Not an XML error document (HEAD responses have no body; proxies answer HTML). Status and header suffice.
            }
        }

        var text = $"Storage request failed: {response.Status} {response.ReasonPhrase}" +
                   (code is null ? string.Empty : $" ({code})") +
                   (serviceMessage is null ? string.Empty : $": {FirstLine(serviceMessage)}") +
                   (authDetail is null ? string.Empty : $" Detail: {authDetail}");
        return new StorageRequestFailedException(response.Status, text, code, requestId);
    }

    public static async Task<XDocument> LoadXmlAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await XDocument.LoadAsync(stream, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        }
        catch (XmlException ex)
        {
            throw new StorageRequestFailedException("The storage service returned malformed XML.", ex);
        }
    }

    private static string FirstLine(string s)
    {
        var newline = s.IndexOf('\n', StringComparison.Ordinal);
        return (newline < 0 ? s : s[..newline]).Trim();
    }
}
