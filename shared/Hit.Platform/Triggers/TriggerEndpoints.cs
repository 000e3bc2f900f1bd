using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hit.Platform.Manifest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Platform.Triggers;

/// <summary>
/// Trigger functions. Each registers <c>POST /{FunctionName}</c>, where the Functions host delivers the JSON
/// invocation envelope, and carries the binding metadata that <c>hit build</c> writes to function.json.
/// Handlers are delegates whose parameters are bound by type: the trigger value (the message type or
/// <see cref="BlobTriggerInput"/>), <see cref="TriggerContext"/>, <see cref="QueueMessageInfo"/>,
/// <see cref="CancellationToken"/>, and anything else from DI.
/// </summary>
public static partial class TriggerEndpoints
{
    public const string DefaultConnection = "AzureWebJobsStorage";

    /// <summary>
    /// A queue-triggered function. The message (base64 on the queue, double-encoded in the envelope) is bound to
    /// <typeparamref name="TMessage"/>: <c>string</c>, <c>byte[]</c>, <c>BinaryData</c>, or a record deserialized
    /// from JSON with the app's source-generated contracts. An undecodable message fails the invocation (non-2xx),
    /// so the host retries it and, after <c>maxDequeueCount</c>, moves it to <c>&lt;queue&gt;-poison</c>.
    /// </summary>
    public static TriggerFunctionBuilder MapQueueTrigger<TMessage>(this IEndpointRouteBuilder app, string functionName, string queue,
        Delegate handler, string connection = DefaultConnection, string bindingName = "message")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        var trigger = new JsonObject
        {
            ["type"] = "queueTrigger",
            ["direction"] = "in",
            ["name"] = bindingName,
            ["queueName"] = queue,
            ["connection"] = connection,
        };
        return Map(app, functionName, trigger, TriggerBinder.ForQueue<TMessage>(handler, bindingName));
    }

    /// <summary>
    /// A blob-triggered function on <paramref name="path"/> (<c>container/{name}</c>). Emitted with
    /// <c>"source": "EventGrid"</c>, the only source Flex Consumption supports; the content arrives base64.
    /// Write generated blobs to another container than the triggering one, or the function triggers itself.
    /// </summary>
    public static TriggerFunctionBuilder MapBlobTrigger(this IEndpointRouteBuilder app, string functionName, string path,
        Delegate handler, string connection = DefaultConnection, string bindingName = "blob")
    {
        var (container, _) = SplitPath(path);
        var trigger = new JsonObject
        {
            ["type"] = "blobTrigger",
            ["direction"] = "in",
            ["name"] = bindingName,
            ["path"] = path,
            ["connection"] = connection,
            ["source"] = "EventGrid",
        };
        return Map(app, functionName, trigger, TriggerBinder.ForBlob(handler, bindingName, container, path));
    }

    private static TriggerFunctionBuilder Map(IEndpointRouteBuilder app, string functionName, JsonObject trigger, TriggerBinder binder)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        var metadata = new TriggerFunctionMetadata(functionName, trigger);
        var builder = app.MapPost("/" + functionName, (HttpContext context) =>
                context.RequestServices.GetRequiredService<TriggerInvoker>().InvokeAsync(context, metadata, binder))
            .WithMetadata(metadata)
            .ExcludeFromDescription();
        return new TriggerFunctionBuilder(builder, metadata);
    }

    internal static (string Container, string BlobPattern) SplitPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1 || path[..slash].Contains('{', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob trigger path '{path}' must be '<container>/<pattern>' with a literal container.", nameof(path));
        }

        return (path[..slash], path[(slash + 1)..]);
    }

    internal static IReadOnlyList<string> Placeholders(string pattern) =>
        [.. PlaceholderRegex().Matches(pattern).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    internal static partial Regex PlaceholderRegex();
}

/// <summary>Adds output bindings to a trigger function.</summary>
public sealed class TriggerFunctionBuilder(IEndpointConventionBuilder inner, TriggerFunctionMetadata metadata) : IEndpointConventionBuilder
{
    public TriggerFunctionMetadata Metadata { get; } = metadata;

    /// <summary>A queue output; fill it with <see cref="TriggerContext.AddOutput(string, string)"/>.</summary>
    public TriggerFunctionBuilder WithQueueOutput(string bindingName, string queue, string connection = TriggerEndpoints.DefaultConnection) =>
        WithOutput(new JsonObject { ["type"] = "queue", ["direction"] = "out", ["name"] = bindingName, ["queueName"] = queue, ["connection"] = connection });

    /// <summary>A blob output at <paramref name="path"/>; <c>{placeholders}</c> resolve from the trigger's binding data.</summary>
    public TriggerFunctionBuilder WithBlobOutput(string bindingName, string path, string connection = TriggerEndpoints.DefaultConnection) =>
        WithOutput(new JsonObject { ["type"] = "blob", ["direction"] = "out", ["name"] = bindingName, ["path"] = path, ["connection"] = connection });

    public void Add(Action<EndpointBuilder> convention) => inner.Add(convention);

    public void Finally(Action<EndpointBuilder> finallyConvention) => inner.Finally(finallyConvention);

    private TriggerFunctionBuilder WithOutput(JsonObject binding)
    {
        var name = (string)binding["name"]!;
        if (name == Metadata.TriggerBindingName || Metadata.Outputs.Any(o => (string?)o["name"] == name))
        {
            throw new ArgumentException($"Function '{Metadata.FunctionName}' already has a binding named '{name}'.", nameof(binding));
        }

        Metadata.Outputs.Add(binding);
        return this;
    }
}
