using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Hit.Platform.Tenancy;

/// <summary>
/// The namespace (tenant) a request acts in. Resolved once per request by the platform's worker middleware:
/// the <c>ns</c> claim of an authenticated caller wins, else the <c>X-Hit-Namespace</c> header, else the default.
/// Declare it as a function parameter to receive it (<see cref="Worker.TenantNamespaceConverter"/>).
/// </summary>
public readonly partial record struct TenantNamespace(string Value)
{
    public const string HeaderName = "X-Hit-Namespace";
    public const string ClaimType = "ns";
    public const string Pattern = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";

    /// <summary>Namespaces become part of partition keys and ids, so only a small, safe alphabet is allowed.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && NamespaceRegex().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceRegex();
}
