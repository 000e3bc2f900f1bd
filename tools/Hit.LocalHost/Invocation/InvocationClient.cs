using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.Handler;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Invocation;

/// <summary>Thrown when the handler answered non-2xx or could not be reached: the invocation failed.</summary>
internal sealed class InvocationFailedException : Exception
{
    public InvocationFailedException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    public InvocationFailedException()
    {
    }

    public InvocationFailedException(string message) : base(message)
    {
    }
}

/// <summary>Sends the JSON envelope (<c>POST /{FunctionName}</c>) and reads the handler's result (reference §2).</summary>
internal sealed partial class InvocationClient(HttpMessageInvoker invoker, HandlerSupervisor handler, TimeSpan timeout, ILogger logger)
{
    private static readonly JsonWriterOptions EnvelopeOptions = new()
    {
        // Newtonsoft does not escape HTML-sensitive or non-ASCII characters; keep the wire close to it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly MediaTypeHeaderValue JsonUtf8 = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

    public static JsonObject Envelope(JsonObject data, JsonObject metadata) => new()
    {
        ["Data"] = data,
        ["Metadata"] = metadata,
    };

    public async Task<InvocationResult> InvokeAsync(string functionName, JsonObject envelope, CancellationToken cancellationToken)
    {
        await handler.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var invocationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(handler.BaseAddress, "/" + functionName));
        var body = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(body, EnvelopeOptions))
        {
            envelope.WriteTo(writer);
        }

        request.Content = new ReadOnlyMemoryContent(body.WrittenMemory);
        request.Content.Headers.ContentType = JsonUtf8;
        HostHeaders.Add(request.Headers, invocationId, addUserAgent: true);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await invoker.SendAsync(request, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InvocationFailedException($"Invoking '{functionName}' failed: the handler could not be reached.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvocationFailedException($"Invoking '{functionName}' timed out after {timeout}.", ex);
        }

        using (response)
        {
            // EnsureSuccessStatusCode in the host: a non-2xx answer fails the invocation and drops Outputs and Logs.
            if (!response.IsSuccessStatusCode)
            {
                throw new InvocationFailedException($"Invoking '{functionName}' failed: the handler answered {(int)response.StatusCode}.");
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(timeoutSource.Token).ConfigureAwait(false);
            InvocationResult result;
            try
            {
                result = bytes.Length == 0 ? InvocationResult.Empty : InvocationResult.Parse(JsonNode.Parse(bytes));
            }
            catch (JsonException ex)
            {
                throw new InvocationFailedException($"Invoking '{functionName}' failed: the handler's response is not JSON.", ex);
            }

            foreach (var line in result.Logs)
            {
                Log.HandlerLog(logger, functionName, invocationId, line);
            }

            return result;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "[{FunctionName} {InvocationId}] {Line}")]
        public static partial void HandlerLog(ILogger logger, string functionName, string invocationId, string line);
    }
}

/// <summary>Headers the Functions host puts on every request to the handler (DefaultHttpWorkerService).</summary>
internal static class HostHeaders
{
    public const string HostVersion = "4.1044.0.0";
    public const string UserAgent = "Azure-Functions-Host/" + HostVersion;

    public static void Add(HttpRequestHeaders headers, string invocationId, bool addUserAgent)
    {
        headers.TryAddWithoutValidation("X-Azure-Functions-InvocationId", invocationId);
        headers.TryAddWithoutValidation("X-Azure-Functions-HostVersion", HostVersion);
        if (addUserAgent)
        {
            headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }
    }
}
