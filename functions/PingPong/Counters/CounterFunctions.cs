using System.Text.RegularExpressions;
using Hit.Contracts.PingPong;
using Hit.Platform.Errors;
using Hit.Platform.Health;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hit.PingPong.Counters;

/// <summary>The ping-pong counter: read, increment, reset — each endpoint one Azure Function.</summary>
internal static partial class CounterFunctions
{
    public const string ContainerName = "pingpong";

    public static IServiceCollection AddCounters(this IServiceCollection services)
    {
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, CounterJsonContext.Default));
        services.AddHitCosmosContainer(ContainerName);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddSingleton<CounterStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapCounterFunctions(this IEndpointRouteBuilder app)
    {
        var counters = app.MapGroup("/counter").WithTags("Counters");
        counters.MapGet("/{id}", GetCounter).WithName(nameof(GetCounter)).WithSummary("Reads a counter; one never written reads as 0.");
        counters.MapPost("/{id}/increment", IncrementCounter).WithName(nameof(IncrementCounter)).WithSummary("Adds 1 atomically and returns the new value.");
        counters.MapPost("/{id}/reset", ResetCounter).WithName(nameof(ResetCounter)).WithSummary("Sets the counter back to 0.");
        return app;
    }

    internal static async Task<Results<Ok<CounterResponse>, ProblemHttpResult>> GetCounter(
        string id, TenantNamespace ns, CounterStore store, CancellationToken cancellationToken)
    {
        if (Validate(id) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new CounterResponse(id, ns.Value, await store.GetAsync(ns.Value, id, cancellationToken)));
    }

    internal static async Task<Results<Ok<CounterResponse>, ProblemHttpResult>> IncrementCounter(
        string id, TenantNamespace ns, CounterStore store, CancellationToken cancellationToken)
    {
        if (Validate(id) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new CounterResponse(id, ns.Value, await store.IncrementAsync(ns.Value, id, 1, cancellationToken)));
    }

    internal static async Task<Results<Ok<CounterResponse>, ProblemHttpResult>> ResetCounter(
        string id, TenantNamespace ns, CounterStore store, CancellationToken cancellationToken)
    {
        if (Validate(id) is { } problem)
        {
            return problem;
        }

        await store.ResetAsync(ns.Value, id, cancellationToken);
        return TypedResults.Ok(new CounterResponse(id, ns.Value, 0));
    }

    /// <summary>Counter ids are path segments and key parts: a short, URL-safe alphabet.</summary>
    internal static ProblemHttpResult? Validate(string id) =>
        IdRegex().IsMatch(id) ? null : Problems.BadRequest("id", "The counter id must be 1–128 characters of letters, digits, '-', '_' or '.'.");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
