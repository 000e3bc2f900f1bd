using System.Collections.Immutable;
using Hit.Contracts.Directory;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Tests.Worker;

/// <summary>
/// Who may choose the namespace: a token's <c>ns</c> always; the <c>X-Hit-Namespace</c> header of an anonymous caller
/// only where <c>Hit:AnonymousNamespaceHeader</c> allows it or an enforced HMAC v2 signature covers it.
/// </summary>
public sealed class WorkerTenancyTests
{
    private static PlatformOptions Options(bool anonymousHeader) => new() { DefaultNamespace = "default", AnonymousNamespaceHeader = anonymousHeader };

    [Fact]
    public void AnonymousNamespaceHeader_IsOffByDefault_AndBindsFromSettings()
    {
        using var off = WorkerTestHost.Create();
        using var on = WorkerTestHost.Create(configure: b => b.Configuration["Hit:AnonymousNamespaceHeader"] = "true");

        Assert.False(off.Services.GetRequiredService<IOptions<PlatformOptions>>().Value.AnonymousNamespaceHeader);
        Assert.True(on.Services.GetRequiredService<IOptions<PlatformOptions>>().Value.AnonymousNamespaceHeader);
    }

    [Fact]
    public async Task AnonymousCaller_NamingAnotherNamespaceByHeader_Is401NamespaceRequiresToken_AndNoNamespaceIsSet()
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: "tenant-b");

        var refusal = WorkerTenancyMiddleware.Resolve(http, Options(anonymousHeader: false), namespaceSigned: false);

        Assert.NotNull(refusal);
        Assert.Null(http.Features.Get<TenantNamespace?>());
        var problem = await WorkerTestHost.ExecuteAsync(refusal, http);
        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        Assert.Equal(WorkerTenancyMiddleware.NamespaceRequiresTokenCode, (string?)problem["code"]);
        Assert.Equal(TenantNamespace.HeaderName, (string?)problem["field"]);
        Assert.Equal("Bearer", http.Response.Headers.WWWAuthenticate.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("default")]
    public void AnonymousCaller_WithoutHeaderOrNamingTheDefault_IsServedInTheDefault(string? header)
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: header);

        Assert.Null(WorkerTenancyMiddleware.Resolve(http, Options(anonymousHeader: false), namespaceSigned: false));

        Assert.Equal("default", http.Features.Get<TenantNamespace>().Value);
    }

    [Fact]
    public void AnonymousCaller_WhereTheAppAllowsTheHeader_IsServedInThatNamespace()
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: "tenant-b");

        Assert.Null(WorkerTenancyMiddleware.Resolve(http, Options(anonymousHeader: true), namespaceSigned: false));

        Assert.Equal("tenant-b", http.Features.Get<TenantNamespace>().Value);
    }

    [Fact]
    public void AnonymousCaller_WithASignatureCoveringTheHeader_IsServedInThatNamespace()
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(ns: "tenant-b");

        Assert.Null(WorkerTenancyMiddleware.Resolve(http, Options(anonymousHeader: false), namespaceSigned: true));

        Assert.Equal("tenant-b", http.Features.Get<TenantNamespace>().Value);
    }

    [Fact]
    public async Task TokenCaller_IsServedInTheTokensNamespace_WhateverTheSetting()
    {
        using var app = WorkerTestHost.Create();
        var http = app.Request(Tokens.Sign(Tokens.Valid(ns: "tenant-a"), app.Keys.Current), ns: "tenant-b");
        Assert.Null(await WorkerAuthenticationMiddleware.AuthenticateAsync(http));

        Assert.Null(WorkerTenancyMiddleware.Resolve(http, Options(anonymousHeader: false), namespaceSigned: false));

        Assert.Equal("tenant-a", http.Features.Get<TenantNamespace>().Value);
    }

    [Theory]
    [InlineData("2", true, nameof(SignedClass) + "." + nameof(SignedClass.Any), true)]
    [InlineData("1", true, nameof(SignedClass) + "." + nameof(SignedClass.Any), false)]      // v1 does not sign the namespace
    [InlineData(null, true, nameof(SignedClass) + "." + nameof(SignedClass.Any), false)]     // no version header = v1
    [InlineData("2", true, nameof(MixedClass) + "." + nameof(MixedClass.Public), false)]    // nothing verifies an unsigned function
    [InlineData("2", false, nameof(SignedClass) + "." + nameof(SignedClass.Any), false)]    // enforce: false verifies nothing
    public void NamespaceIsSigned_OnlyForAnEnforcedV2SignatureOnASignedFunction(string? version, bool enforce, string entryPoint, bool expected)
    {
        using var app = WorkerTestHost.Create(configure: b =>
        {
            b.Configuration["Test:Hmac:Secrets:0"] = "worker-hmac-test-secret-0123456789";
            b.AddHitHmacSignatures("Test:Hmac", enforce);
        });
        var http = app.Request(ns: "tenant-b");
        if (version is not null)
        {
            http.Request.Headers[RequestSignature.VersionHeader] = version;
        }

        var context = new Invocation(http, new Definition(typeof(WorkerTenancyTests).Assembly.Location, typeof(WorkerTenancyTests).Namespace + "." + entryPoint));

        Assert.Equal(expected, WorkerTenancyMiddleware.NamespaceIsSigned(context, http));
    }

    [Fact]
    public void HmacIsEnforced_OnlyWhenTheAppAddsTheMiddleware()
    {
        using var none = WorkerTestHost.Create();

        Assert.False(WorkerTenancyMiddleware.HmacIsEnforced(none.Services));
    }

    private sealed class Definition(string path, string entryPoint) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => path;

        public override string EntryPoint => entryPoint;

        public override string Id => entryPoint;

        public override string Name => entryPoint;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class Invocation(HttpContext http, FunctionDefinition definition) : FunctionContext
    {
        public override string InvocationId => "test";

        public override string FunctionId => definition.Id;

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext => throw new NotSupportedException();

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = http.RequestServices;

        public override FunctionDefinition FunctionDefinition => definition;

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object> { ["HttpRequestContext"] = http };

        public override IInvocationFeatures Features => throw new NotSupportedException();
    }
}
