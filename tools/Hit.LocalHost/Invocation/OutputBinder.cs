using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Storage;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Invocation;

/// <summary>
/// Turns <c>Outputs</c>/<c>ReturnValue</c> into queue messages and blobs with the host's conversion rules
/// (HttpScriptInvocationResultExtensions.GetBindingValue + FunctionBinding, reference §2).
/// </summary>
internal sealed partial class OutputBinder(AppSettings settings, IStorageAccountFactory storage, QueueOptions queueOptions, ILogger logger)
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task ApplyAsync(FunctionDefinition function, InvocationResult result, BindingData bindingData, DateTime utcNow, Guid randGuid, CancellationToken cancellationToken)
    {
        foreach (var binding in function.Outputs)
        {
            if (binding.Is("http"))
            {
                continue;
            }

            var value = ConvertBindingValue(result.GetOutput(binding.Name), binding.IsBinary);
            if (value is null)
            {
                continue;
            }

            if (binding.Is("queue"))
            {
                var queueName = BindingExpressions.Resolve(
                    settings.ResolvePercentExpressions(binding.Get("queueName") ?? string.Empty), bindingData, utcNow, randGuid).ToLowerInvariant();
                var queue = storage.Create(settings.GetStorageConnectionString(binding.Get("connection"))).GetQueue(queueName);
                await queue.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                foreach (var message in ToQueueMessages(value))
                {
                    var text = queueOptions.Base64Encoding ? Convert.ToBase64String(message) : Encoding.UTF8.GetString(message);
                    await queue.SendRawAsync(text, cancellationToken).ConfigureAwait(false);
                }

                Log.QueueOutputWritten(logger, function.Name, binding.Name, queueName);
            }
            else if (binding.Is("blob"))
            {
                var path = BindingExpressions.Resolve(
                    settings.ResolvePercentExpressions(binding.Get("path") ?? string.Empty), bindingData, utcNow, randGuid);
                var slash = path.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == path.Length - 1)
                {
                    throw new InvalidOperationException($"Blob output path '{path}' of '{function.Name}' must be 'container/blob'.");
                }

                var container = storage.Create(settings.GetStorageConnectionString(binding.Get("connection"))).GetContainer(path[..slash]);
                await container.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                await container.UploadAsync(path[(slash + 1)..], ToBlobContent(value), contentType: null, cancellationToken).ConfigureAwait(false);
                Log.BlobOutputWritten(logger, function.Name, binding.Name, path);
            }
            else
            {
                Log.UnsupportedOutput(logger, function.Name, binding.Name, binding.Type);
            }
        }
    }

    /// <summary>
    /// GetBindingValue: unless dataType is binary, a string that decodes as base64 becomes bytes;
    /// objects and arrays stay JSON; null/missing writes nothing.
    /// </summary>
    public static object? ConvertBindingValue(JsonNode? value, bool binary)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonObject or JsonArray:
                return value;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                if (!binary && TryDecodeBase64(text, out var bytes))
                {
                    return bytes;
                }

                return text;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return v.TryGetValue(out long l) ? l : v.GetValue<double>();
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return v.GetValue<bool>();
            default:
                return null;
        }
    }

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer.AsSpan(0, written).ToArray();
            return true;
        }

        bytes = [];
        return false;
    }

    /// <summary>Queue output (IAsyncCollector&lt;byte[]&gt;): arrays fan out, objects become indented JSON.</summary>
    public static IEnumerable<byte[]> ToQueueMessages(object value)
    {
        switch (value)
        {
            case byte[] bytes:
                yield return bytes;
                break;
            case JsonArray array:
                foreach (var element in array)
                {
                    if (element is not null)
                    {
                        yield return Encoding.UTF8.GetBytes(ElementText(element));
                    }
                }

                break;
            case JsonObject obj:
                yield return Encoding.UTF8.GetBytes(obj.ToJsonString(Indented));
                break;
            case string text when TryParseArray(text, out var parsed):
                foreach (var message in ToQueueMessages(parsed))
                {
                    yield return message;
                }

                break;
            case string text:
                yield return Encoding.UTF8.GetBytes(text);
                break;
            case bool b:
                yield return Encoding.UTF8.GetBytes(b ? "True" : "False");
                break;
            default:
                yield return Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    /// <summary>Blob output (Stream): bytes raw, strings UTF-8, JSON compact, numbers as BitConverter bytes.</summary>
    public static byte[] ToBlobContent(object value) => value switch
    {
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        JsonNode node => Encoding.UTF8.GetBytes(node.ToJsonString(Compact)),
        long l => BitConverter.GetBytes(l),
        double d => BitConverter.GetBytes(d),
        bool b => Encoding.UTF8.GetBytes(b ? "True" : "False"),
        _ => Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static string ElementText(JsonNode element) => element switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject or JsonArray => element.ToJsonString(Indented),
        _ => element.ToJsonString(),
    };

    private static bool TryParseArray(string text, out JsonArray array)
    {
        array = [];
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '[' || trimmed[^1] != ']')
        {
            return false;
        }

        try
        {
            if (JsonNode.Parse(text) is JsonArray parsed)
            {
                array = parsed;
                return true;
            }
        }
        catch (JsonException)
        {
            // Plain text that merely starts with '['.
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Debug, "{FunctionName}: output '{BindingName}' written to queue {QueueName}")]
        public static partial void QueueOutputWritten(ILogger logger, string functionName, string bindingName, string queueName);

        [LoggerMessage(31, LogLevel.Debug, "{FunctionName}: output '{BindingName}' written to blob {Path}")]
        public static partial void BlobOutputWritten(ILogger logger, string functionName, string bindingName, string path);

        [LoggerMessage(32, LogLevel.Warning, "{FunctionName}: output binding '{BindingName}' of type {BindingType} is not supported by the local host and was ignored")]
        public static partial void UnsupportedOutput(ILogger logger, string functionName, string bindingName, string bindingType);
    }
}
