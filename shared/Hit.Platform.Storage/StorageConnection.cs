using System.Globalization;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Hit.Platform.Storage;

/// <summary>
/// Where a storage account lives and how to authenticate to it: either a shared key (connection strings,
/// the emulator) or a <see cref="TokenCredential"/> (identity-based connections in Azure).
/// The key is kept private and never appears in <see cref="ToString"/>.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The Azurite / storage emulator account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    // Published by Microsoft for the emulator; not a secret.
    internal const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly byte[]? _accountKey;

    private StorageConnection(string accountName, Uri? blobEndpoint, Uri? queueEndpoint, byte[]? accountKey, TokenCredential? credential)
    {
        AccountName = accountName;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        _accountKey = accountKey;
        TokenCredential = credential;
    }

    public string AccountName { get; }

    /// <summary>Blob service base address, e.g. <c>https://acct.blob.core.windows.net</c> or <c>http://127.0.0.1:10000/devstoreaccount1</c>.</summary>
    public Uri? BlobEndpoint { get; }

    public Uri? QueueEndpoint { get; }

    public bool HasSharedKey => _accountKey is not null;

    /// <summary>Set for identity-based connections; null when a shared key is used.</summary>
    public TokenCredential? TokenCredential { get; }

    /// <summary>The decoded account key, for request signing and SAS generation inside this library only.</summary>
    internal ReadOnlySpan<byte> AccountKey => _accountKey;

    public Uri RequireBlobEndpoint() =>
        BlobEndpoint ?? throw new InvalidOperationException($"The storage connection for account '{AccountName}' has no blob endpoint.");

    public Uri RequireQueueEndpoint() =>
        QueueEndpoint ?? throw new InvalidOperationException($"The storage connection for account '{AccountName}' has no queue endpoint.");

    /// <summary>Creates an identity-based connection from explicit service endpoints.</summary>
    public static StorageConnection FromTokenCredential(TokenCredential credential, Uri? blobEndpoint, Uri? queueEndpoint)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (blobEndpoint is null && queueEndpoint is null)
        {
            throw new ArgumentException("At least one service endpoint is required.", nameof(blobEndpoint));
        }

        var account = AccountNameFromEndpoint(blobEndpoint ?? queueEndpoint!);
        return new StorageConnection(account, Normalize(blobEndpoint), Normalize(queueEndpoint), null, credential);
    }

    /// <summary>
    /// Parses <c>UseDevelopmentStorage=true</c> or a full account connection string
    /// (<c>DefaultEndpointsProtocol</c>, <c>AccountName</c>, <c>AccountKey</c>, optional <c>BlobEndpoint</c>,
    /// <c>QueueEndpoint</c>, <c>EndpointSuffix</c>). Explicit endpoints win over derived ones.
    /// </summary>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = SplitConnectionString(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            return new StorageConnection(
                DevelopmentAccountName,
                new Uri("http://127.0.0.1:10000/" + DevelopmentAccountName),
                new Uri("http://127.0.0.1:10001/" + DevelopmentAccountName),
                Convert.FromBase64String(DevelopmentAccountKey),
                null);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw new FormatException("SAS-token connection strings are not supported; use an account key or an identity-based connection.");
        }

        settings.TryGetValue("AccountName", out var accountName);
        var blob = OptionalUri(settings, "BlobEndpoint");
        var queue = OptionalUri(settings, "QueueEndpoint");

        if (!string.IsNullOrEmpty(accountName))
        {
            var protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var p) && !string.IsNullOrEmpty(p) ? p.ToLowerInvariant() : "https";
            if (protocol is not ("https" or "http"))
            {
                throw new FormatException("DefaultEndpointsProtocol must be 'https' or 'http'.");
            }

            var suffix = settings.TryGetValue("EndpointSuffix", out var s) && !string.IsNullOrEmpty(s) ? s : "core.windows.net";
            blob ??= new Uri($"{protocol}://{accountName}.blob.{suffix}");
            queue ??= new Uri($"{protocol}://{accountName}.queue.{suffix}");
        }
        else if (blob is not null || queue is not null)
        {
            accountName = AccountNameFromEndpoint(blob ?? queue!);
        }
        else
        {
            throw new FormatException("The storage connection string has neither AccountName nor BlobEndpoint/QueueEndpoint.");
        }

        byte[]? key = null;
        if (settings.TryGetValue("AccountKey", out var keyText) && !string.IsNullOrEmpty(keyText))
        {
            key = new byte[(keyText.Length * 3 / 4) + 3];
            if (!Convert.TryFromBase64String(keyText, key, out var written))
            {
                // Deliberately no key material in the message: it may end up in logs.
                throw new FormatException("AccountKey in the storage connection string is not valid base64.");
            }

            Array.Resize(ref key, written);
        }

        if (key is null)
        {
            throw new FormatException("The storage connection string has no AccountKey; use an identity-based connection for keyless access.");
        }

        return new StorageConnection(accountName, Normalize(blob), Normalize(queue), key, null);
    }

    /// <summary>
    /// Reads a connection the way the Functions host does: a connection string at <paramref name="name"/>
    /// (or <c>ConnectionStrings:{name}</c>, or <c>AzureWebJobs{name}</c>), else the identity-based keys <c>{name}__blobServiceUri</c>,
    /// <c>{name}__queueServiceUri</c>, <c>{name}__accountName</c>, <c>{name}__credential</c>, <c>{name}__clientId</c>.
    /// </summary>
    public static StorageConnection FromConfiguration(IConfiguration config, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var connectionString = config[name] ?? config.GetConnectionString(name);

        // The Functions host resolves connection "X" to setting "AzureWebJobsX" when "X" itself is absent.
        if (string.IsNullOrWhiteSpace(connectionString) && !name.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase) &&
            !config.GetSection(name).GetChildren().Any() && config[$"{name}__blobServiceUri"] is null && config[$"{name}__queueServiceUri"] is null &&
            config[$"{name}__accountName"] is null && config["AzureWebJobs" + name] is { Length: > 0 } prefixed)
        {
            connectionString = prefixed;
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return Parse(connectionString);
        }

        // Functions flattens "name__x" into the section "name:x"; accept both spellings.
        string? Get(string key) => config[$"{name}__{key}"] ?? config[$"{name}:{key}"];

        var blob = Get("blobServiceUri") ?? Get("serviceUri");
        var queue = Get("queueServiceUri");
        var account = Get("accountName");
        if (blob is null && queue is null && account is null)
        {
            throw new InvalidOperationException(
                $"No storage connection named '{name}': set '{name}' to a connection string or '{name}__blobServiceUri' / '{name}__queueServiceUri' / '{name}__accountName'.");
        }

        Uri? blobUri = blob is not null ? new Uri(blob) : null;
        Uri? queueUri = queue is not null ? new Uri(queue) : null;
        if (account is not null)
        {
            blobUri ??= new Uri($"https://{account}.blob.core.windows.net");
            queueUri ??= new Uri($"https://{account}.queue.core.windows.net");
        }

        var credential = CreateCredential(Get("credential"), Get("clientId"));
        var connection = FromTokenCredential(credential, blobUri, queueUri);
        return account is null ? connection : new StorageConnection(account, connection.BlobEndpoint, connection.QueueEndpoint, null, credential);
    }

    private static TokenCredential CreateCredential(string? credentialKind, string? clientId)
    {
        if (string.Equals(credentialKind, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrEmpty(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        var options = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrEmpty(clientId))
        {
            options.ManagedIdentityClientId = clientId;
        }

        return new DefaultAzureCredential(options);
    }

    /// <summary>Never includes the account key.</summary>
    public override string ToString()
    {
        var auth = HasSharedKey ? "SharedKey(redacted)" : TokenCredential is not null ? TokenCredential.GetType().Name : "none";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};Credential={auth}");
    }

    internal static string AccountNameFromEndpoint(Uri endpoint)
    {
        // Path-style addressing (emulator, IP hosts): http://127.0.0.1:10000/devstoreaccount1
        if (endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ||
            string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase) ||
            !endpoint.Host.Contains('.', StringComparison.Ordinal))
        {
            var segment = endpoint.AbsolutePath.Trim('/').Split('/')[0];
            if (segment.Length > 0)
            {
                return Uri.UnescapeDataString(segment);
            }
        }

        return endpoint.Host.Split('.')[0];
    }

    private static Uri? Normalize(Uri? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }

        // Keep the account path segment (path-style) but drop a trailing slash so children append cleanly.
        var text = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text);
    }

    private static Uri? OptionalUri(Dictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? new Uri(value) : null;

    private static Dictionary<string, string> SplitConnectionString(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split on the first '=' only: base64 keys end with '=' padding.
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("The storage connection string is malformed (expected key=value pairs separated by ';').");
            }

            settings[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        return settings;
    }
}
