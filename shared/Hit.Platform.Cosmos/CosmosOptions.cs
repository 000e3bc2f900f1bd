using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Hit.Platform.Cosmos;

/// <summary>
/// Connection settings for Cosmos DB, bound from the <c>Cosmos</c> configuration section
/// (<c>Cosmos__Endpoint</c>, <c>Cosmos__Key</c>, … as environment variables).
/// </summary>
public sealed class CosmosOptions : IValidatableObject
{
    public const string Section = "Cosmos";

    /// <summary>Account endpoint, e.g. <c>https://acct.documents.azure.com:443/</c> or the local server's URL.</summary>
    [Required]
    public string Endpoint { get; set; } = "";

    /// <summary>
    /// Account key. Only for the local server (which ignores auth but the SDK still signs requests).
    /// In Azure leave it empty: the client then authenticates with a managed identity.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty means <c>DefaultAzureCredential</c>.</summary>
    public string? ClientId { get; set; }

    [Required]
    public string DatabaseName { get; set; } = "hit";

    /// <summary>
    /// Create the database and the declared containers on first use. True locally; false in Azure,
    /// where Bicep owns the resources and the app identity has data-plane rights only.
    /// </summary>
    public bool CreateResources { get; set; }

    /// <summary>
    /// The endpoint is the local single-partition server: Gateway mode, requests limited to the endpoint
    /// (the server advertises no other regions).
    /// </summary>
    public bool Local { get; set; }

    /// <summary>Accept the local server's self-signed (and expired) certificate. Loopback endpoints only.</summary>
    public bool AcceptAnyServerCertificate { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Cosmos:Endpoint must be an absolute http(s) URL.", [nameof(Endpoint)]);
            yield break;
        }

        // Plain HTTP or a disabled certificate check would expose the key and the data on a real network,
        // so both are allowed only against a server on this machine.
        var loopback = IsLoopback(endpoint);
        if (endpoint.Scheme == Uri.UriSchemeHttp && !loopback)
        {
            yield return new ValidationResult("Cosmos:Endpoint may use http only for a loopback (local) server.", [nameof(Endpoint)]);
        }

        if (AcceptAnyServerCertificate && !loopback)
        {
            yield return new ValidationResult("Cosmos:AcceptAnyServerCertificate is allowed only for a loopback endpoint.", [nameof(AcceptAnyServerCertificate)]);
        }

        if (Local && string.IsNullOrEmpty(Key))
        {
            yield return new ValidationResult("Cosmos:Key is required when Cosmos:Local is true.", [nameof(Key)]);
        }

        if (!string.IsNullOrEmpty(Key) && !IsBase64(Key))
        {
            yield return new ValidationResult("Cosmos:Key must be a base64 account key.", [nameof(Key)]);
        }
    }

    internal static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host, out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        return value.Length <= 340 && Convert.TryFromBase64String(value, buffer, out _);
    }
}

[OptionsValidator]
internal sealed partial class CosmosOptionsValidator : IValidateOptions<CosmosOptions>;
