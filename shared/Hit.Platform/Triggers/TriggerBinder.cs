using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Hit.Platform.Triggers;

/// <summary>The decoded state of one invocation, from which handler parameters are bound.</summary>
internal sealed record InvocationState(JsonObject Data, JsonObject Metadata, TriggerContext Context, JsonSerializerOptions Json, IServiceProvider Services);

/// <summary>Raised when the trigger value cannot be turned into the handler's type: a poison-worthy message.</summary>
public sealed class TriggerDecodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Binds a trigger handler's parameters by type, once at map time, and decodes the trigger value per invocation.
/// Reflection here runs per invocation of a queue/blob function, whose cost is the I/O it does, not this.
/// </summary>
internal sealed class TriggerBinder
{
    private readonly Delegate _handler;
    private readonly Func<InvocationState, object?>[] _parameters;

    private TriggerBinder(Delegate handler, Type triggerType, Func<InvocationState, object?> bindTrigger)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _parameters = [.. handler.Method.GetParameters().Select(p => Resolver(p, triggerType, bindTrigger))];
        if (!handler.Method.GetParameters().Any(p => p.ParameterType == triggerType))
        {
            throw new ArgumentException($"The handler must take a parameter of the trigger type {triggerType.Name}.", nameof(handler));
        }
    }

    public static TriggerBinder ForQueue<TMessage>(Delegate handler, string bindingName) =>
        new(handler, typeof(TMessage), state => DecodeMessage(typeof(TMessage), Envelope.DecodeString(state.Data[bindingName]), state.Json));

    public static TriggerBinder ForBlob(Delegate handler, string bindingName, string container, string path) =>
        new(handler, typeof(BlobTriggerInput), state => DecodeBlob(state, bindingName, container, path));

    public async Task<object?> InvokeAsync(InvocationState state)
    {
        var args = new object?[_parameters.Length];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = _parameters[i](state);
        }

        object? result;
        try
        {
            result = _handler.Method.Invoke(_handler.Target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        return result switch
        {
            Task task => await Await(task),
            ValueTask valueTask => await Await(valueTask.AsTask()),
            _ when result?.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>) =>
                await Await((Task)t.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(result, null)!),
            _ => result,
        };
    }

    private static async Task<object?> Await(Task task)
    {
        await task;
        var type = task.GetType();
        return type.IsGenericType && type.GetProperty(nameof(Task<int>.Result)) is { } property && property.PropertyType.Name != "VoidTaskResult"
            ? property.GetValue(task)
            : null;
    }

    private static Func<InvocationState, object?> Resolver(ParameterInfo parameter, Type triggerType, Func<InvocationState, object?> bindTrigger)
    {
        var type = parameter.ParameterType;
        if (type == triggerType)
        {
            return bindTrigger;
        }

        if (type == typeof(TriggerContext))
        {
            return s => s.Context;
        }

        if (type == typeof(QueueMessageInfo))
        {
            return s => QueueMessageInfo.From(s.Metadata);
        }

        if (type == typeof(CancellationToken))
        {
            return s => s.Context.CancellationToken;
        }

        return s => s.Services.GetRequiredService(type);
    }

    internal static object DecodeMessage(Type type, string? text, JsonSerializerOptions json)
    {
        if (text is null)
        {
            throw new TriggerDecodeException("The invocation carries no message.");
        }

        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(byte[]))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if (type == typeof(BinaryData))
        {
            return BinaryData.FromString(text);
        }

        try
        {
            return JsonSerializer.Deserialize(text, json.GetTypeInfo(type))
                ?? throw new TriggerDecodeException($"The message is JSON null, not a {type.Name}.");
        }
        catch (JsonException e)
        {
            throw new TriggerDecodeException($"The message is not a valid {type.Name}: {e.Message}", e);
        }
    }

    private static BlobTriggerInput DecodeBlob(InvocationState state, string bindingName, string container, string path)
    {
        byte[] content;
        try
        {
            content = Envelope.DecodeBase64(state.Data[bindingName]);
        }
        catch (FormatException e)
        {
            throw new TriggerDecodeException($"The blob content in Data.{bindingName} is not base64.", e);
        }

        var (_, pattern) = TriggerEndpoints.SplitPath(path);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var placeholder in TriggerEndpoints.Placeholders(pattern))
        {
            parameters[placeholder] = state.Context.GetMetadata(placeholder)
                ?? throw new TriggerDecodeException($"The invocation metadata has no value for the path parameter '{placeholder}'.");
        }

        var name = TriggerEndpoints.PlaceholderRegex().Replace(pattern, m => parameters[m.Groups[1].Value]);
        var properties = state.Metadata["Properties"] as JsonObject;
        var userMetadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (state.Metadata["Metadata"] is JsonObject metadata)
        {
            foreach (var (key, value) in metadata)
            {
                userMetadata[key] = Envelope.DecodeString(value) ?? "";
            }
        }

        var uri = state.Context.GetMetadata("Uri");
        return new BlobTriggerInput(container, name, parameters, BinaryData.FromBytes(content),
            Envelope.DecodeString(properties?["ContentType"]), Envelope.DecodeString(properties?["ETag"]),
            Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : null, userMetadata);
    }
}
