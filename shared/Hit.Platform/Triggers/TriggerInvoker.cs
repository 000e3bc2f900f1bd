using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.Platform.Errors;
using Hit.Platform.Manifest;
using Hit.Platform.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Triggers;

/// <summary>
/// Runs one trigger invocation: parse the envelope, bind, invoke, answer with Outputs/Logs/ReturnValue.
/// Any failure answers non-2xx, because that is what makes the host retry the message and eventually poison it;
/// answering 200 with an error inside would silently drop the work.
/// </summary>
internal sealed partial class TriggerInvoker(IOptions<JsonOptions> jsonOptions, ILogger<TriggerInvoker> logger)
{
    private readonly JsonSerializerOptions _json = jsonOptions.Value.SerializerOptions;

    public async Task InvokeAsync(HttpContext http, TriggerFunctionMetadata function, TriggerBinder binder)
    {
        var invocationId = http.Request.Headers["X-Azure-Functions-InvocationId"].ToString();
        using var activity = TelemetryExtensions.Source.StartActivity(function.FunctionName, ActivityKind.Consumer);
        activity?.SetTag("faas.invocation_id", invocationId);

        JsonObject envelope;
        try
        {
            envelope = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                ?? throw new JsonException("The envelope is not a JSON object.");
        }
        catch (JsonException e)
        {
            Log.EnvelopeInvalid(logger, e, function.FunctionName, invocationId);
            await Problems.Write(http, StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "The invocation envelope is not valid JSON.");
            return;
        }

        var data = envelope["Data"] as JsonObject ?? [];
        var metadata = envelope["Metadata"] as JsonObject ?? [];
        var context = new TriggerContext(function.FunctionName, metadata, function.Outputs.Select(o => (string)o["name"]!), _json,
            http.RequestServices, http.RequestAborted);

        object? result;
        try
        {
            result = await binder.InvokeAsync(new InvocationState(data, metadata, context, _json, http.RequestServices));
        }
        catch (TriggerDecodeException e)
        {
            Log.MessageUndecodable(logger, e, function.FunctionName, invocationId);
            await Problems.Write(http, StatusCodes.Status422UnprocessableEntity, ProblemCodes.MessageUndecodable, e.Message, function.TriggerBindingName);
            return;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            Log.InvocationCanceled(logger, function.FunctionName, invocationId);
            return;
        }
#pragma warning disable CA1031 // The host only learns of a failure through the status code; every exception must become one.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.InvocationFailed(logger, e, function.FunctionName, invocationId);
            activity?.SetStatus(ActivityStatusCode.Error);
            await Problems.Write(http, StatusCodes.Status500InternalServerError, ProblemCodes.InvocationFailed,
                $"Function '{function.FunctionName}' failed; the host will retry the invocation.");
            return;
        }

        var returnValue = result is null ? null : JsonSerializer.SerializeToNode(result, _json.GetTypeInfo(result.GetType()));
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        Envelope.WriteResult(writer, context.BuildOutputs(), context.Logs, returnValue);
        await writer.FlushAsync(http.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Function {FunctionName} ({InvocationId}) received an envelope that is not JSON")]
        public static partial void EnvelopeInvalid(ILogger logger, Exception exception, string functionName, string invocationId);

        [LoggerMessage(2, LogLevel.Error, "Function {FunctionName} ({InvocationId}) could not decode its trigger value; the host will retry and then poison it")]
        public static partial void MessageUndecodable(ILogger logger, Exception exception, string functionName, string invocationId);

        [LoggerMessage(3, LogLevel.Error, "Function {FunctionName} ({InvocationId}) failed")]
        public static partial void InvocationFailed(ILogger logger, Exception exception, string functionName, string invocationId);

        [LoggerMessage(4, LogLevel.Warning, "Function {FunctionName} ({InvocationId}) was canceled by the host")]
        public static partial void InvocationCanceled(ILogger logger, string functionName, string invocationId);
    }
}
