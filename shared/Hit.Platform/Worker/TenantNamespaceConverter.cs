using Hit.Platform.Tenancy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Converters;

namespace Hit.Platform.Worker;

/// <summary>
/// Binds a <see cref="TenantNamespace"/> function parameter to the namespace <see cref="WorkerTenancyMiddleware"/> resolved,
/// so a function declares it the way a minimal-API handler does. The parameter carries no binding attribute, so it
/// stays out of functions.metadata; the worker asks the converters for it at invocation time.
/// </summary>
internal sealed class TenantNamespaceConverter : IInputConverter
{
    public ValueTask<ConversionResult> ConvertAsync(ConverterContext context) =>
        ValueTask.FromResult(context.TargetType == typeof(TenantNamespace)
            && context.FunctionContext.GetHttpContext()?.Features.Get<TenantNamespace>() is { Value: not null } ns
                ? ConversionResult.Success(ns)
                : ConversionResult.Unhandled());
}
