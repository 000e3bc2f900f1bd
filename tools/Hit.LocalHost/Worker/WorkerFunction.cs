using System.Text.Json.Nodes;
using Hit.LocalHost.AppModel;
using Hit.LocalHost.Worker.Rpc;

namespace Hit.LocalHost.Worker;

/// <summary>One function as the worker described it (FunctionMetadataResponse): its id, bindings and metadata.</summary>
internal sealed record WorkerFunction(string Name, string FunctionId, IReadOnlyList<BindingDefinition> Bindings, RpcFunctionMetadata Metadata)
{
    public BindingDefinition? Trigger => Bindings.FirstOrDefault(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public bool IsHttp => Trigger?.Is("httpTrigger") == true;

    public IEnumerable<BindingDefinition> Outputs => Bindings.Where(b => b.IsOut);

    public static WorkerFunction From(RpcFunctionMetadata metadata)
    {
        // raw_bindings are the functions.metadata binding objects as JSON text; they carry every property
        // (route, methods, queueName, path, source, connection) while the typed `bindings` map has only a few.
        var bindings = metadata.RawBindings
            .Select(raw => JsonNode.Parse(raw) as JsonObject ?? throw new InvalidDataException($"{metadata.Name}: a raw binding is not a JSON object."))
            .Select(BindingDefinition.Parse)
            .ToList();
        return new WorkerFunction(metadata.Name, metadata.FunctionId, bindings, metadata);
    }
}
