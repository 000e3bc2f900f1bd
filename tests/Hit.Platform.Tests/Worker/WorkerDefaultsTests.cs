using System.Collections.Immutable;
using Hit.Contracts;
using Hit.Contracts.PingPong;
using Hit.Platform.Errors;
using Hit.Platform.Health;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Converters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Tests.Worker;

public sealed class WorkerDefaultsTests
{
    [Theory]
    [InlineData(null, "default")]
    [InlineData("acme", "acme")]
    public void Namespace_FromHeaderOrDefault(string? header, string expected)
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: header);

        Assert.Null(WorkerTenancyMiddleware.Resolve(http, "default"));

        Assert.Equal(expected, http.Features.Get<TenantNamespace>().Value);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("a|b")]
    [InlineData("../x")]
    public async Task Namespace_Invalid_Is400NamingTheHeader(string header)
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: header);

        var problem = await WorkerTestHost.ExecuteAsync(WorkerTenancyMiddleware.Resolve(http, "default")!, http);

        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        Assert.Equal(ProblemCodes.InvalidNamespace, (string?)problem["code"]);
        Assert.Equal(TenantNamespace.HeaderName, (string?)problem["field"]);
        Assert.NotNull((string?)problem["traceId"]);
    }

    [Fact]
    public async Task TenantNamespaceParameter_BindsTheResolvedNamespace()
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: "acme");
        WorkerTenancyMiddleware.Resolve(http, "default");
        var converter = new TenantNamespaceConverter();

        var bound = await converter.ConvertAsync(new Conversion(typeof(TenantNamespace), new Invocation(http)));
        var other = await converter.ConvertAsync(new Conversion(typeof(string), new Invocation(http)));

        Assert.Equal(ConversionStatus.Succeeded, bound.Status);
        Assert.Equal(new TenantNamespace("acme"), bound.Value);
        Assert.Equal(ConversionStatus.Unhandled, other.Status);
    }

    [Fact]
    public void InvalidDefaultNamespace_FailsOptionsValidation()
    {
        using var app = WorkerTestHost.Create(configure: b => b.Configuration["Hit:DefaultNamespace"] = "Not Valid");

        Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<PlatformOptions>>().Value);
    }

    [Fact]
    public void Json_ContractsUseTheirGeneratedMetadata_ForResultsAndActionResults()
    {
        using var app = WorkerTestHost.Create();

        var http = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var mvc = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Mvc.JsonOptions>>().Value.JsonSerializerOptions;

        // A contract is serialized from the source-generated metadata, not by reflection.
        Assert.Same(HitJsonContext.Default, http.GetTypeInfo(typeof(CounterResponse)).OriginatingResolver);
        Assert.Same(HitJsonContext.Default, mvc.GetTypeInfo(typeof(CounterResponse)).OriginatingResolver);
    }

    [Fact]
    public async Task Readyz_UnhealthyReadyCheck_Is503NamingTheCheck_AndLivenessIgnoresIt()
    {
        using var app = WorkerTestHost.Create(configure: b => b.Services.AddHealthChecks()
            .AddCheck("store", () => HealthCheckResult.Unhealthy("connection refused at 10.0.0.1"), tags: [HealthEndpoints.ReadyTag]));
        var functions = new HealthFunctions(app.Services.GetRequiredService<HealthCheckService>());
        var http = app.Request();

        var report = await WorkerTestHost.ExecuteAsync(await functions.Readyz(http.Request, CancellationToken.None), http);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("Unhealthy", (string?)report["checks"]!["store"]!["status"]);
        Assert.Equal("Healthy", HealthFunctions.Healthz(http.Request).ResponseContent);
    }

    [Fact]
    public void OpenApiDocument_AnAssemblyWithoutOne_HasNone()
    {
        Assert.Null(OpenApiFunctions.Read(typeof(WorkerDefaultsTests).Assembly));
    }

    private sealed class Conversion(Type targetType, FunctionContext context) : ConverterContext
    {
        public override Type TargetType { get; } = targetType;

        public override object? Source => null;

        public override FunctionContext FunctionContext { get; } = context;

        public override IReadOnlyDictionary<string, object> Properties { get; } = ImmutableDictionary<string, object>.Empty;
    }

    /// <summary>Just enough of an invocation for <c>GetHttpContext()</c> (the integration keeps the request in Items).</summary>
    private sealed class Invocation(HttpContext http) : FunctionContext
    {
        public override string InvocationId => "test";

        public override string FunctionId => "test";

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext => throw new NotSupportedException();

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = http.RequestServices;

        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object> { ["HttpRequestContext"] = http };

        public override IInvocationFeatures Features => throw new NotSupportedException();
    }
}
