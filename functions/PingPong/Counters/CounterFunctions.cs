using System.Text.RegularExpressions;
using Hit.Contracts.PingPong;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.PingPong.Counters;

/// <summary>The ping-pong counter: read, increment, reset — each one Azure Function.</summary>
internal sealed partial class CounterFunctions(CounterStore store)
{
    /// <summary>Reads a counter; one never written reads as 0.</summary>
    [Function(nameof(GetCounter))]
    public async Task<Results<Ok<CounterResponse>, ProblemHttpResult>> GetCounter(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "counter/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (Validate(id) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new CounterResponse(id, ns.Value, await store.GetAsync(ns.Value, id, cancellationToken)));
    }

    /// <summary>Adds 1 atomically and returns the new value.</summary>
    [Function(nameof(IncrementCounter))]
    public async Task<Results<Ok<CounterResponse>, ProblemHttpResult>> IncrementCounter(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "counter/{id}/increment")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (Validate(id) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new CounterResponse(id, ns.Value, await store.IncrementAsync(ns.Value, id, 1, cancellationToken)));
    }

    /// <summary>Sets the counter back to 0.</summary>
    [Function(nameof(ResetCounter))]
    public async Task<Results<Ok<CounterResponse>, ProblemHttpResult>> ResetCounter(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "counter/{id}/reset")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
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
