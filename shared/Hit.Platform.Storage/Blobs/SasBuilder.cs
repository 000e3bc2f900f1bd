using System.Globalization;
using System.Text;
using Hit.Platform.Storage.Auth;

namespace Hit.Platform.Storage;

/// <summary>
/// Service SAS and user delegation SAS for a single blob (sr=b), string-to-sign layout of versions
/// 2020-12-06 up to (not including) 2025-07-05:
/// https://learn.microsoft.com/rest/api/storageservices/create-service-sas and
/// https://learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas.
/// </summary>
internal static class SasBuilder
{
    // The service rejects permission letters out of this order (r a c w d … t).
    private static readonly (BlobSasPermissions Flag, char Letter)[] PermissionOrder =
    [
        (BlobSasPermissions.Read, 'r'),
        (BlobSasPermissions.Add, 'a'),
        (BlobSasPermissions.Create, 'c'),
        (BlobSasPermissions.Write, 'w'),
        (BlobSasPermissions.Delete, 'd'),
        (BlobSasPermissions.Tag, 't'),
    ];

    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Permissions(BlobSasPermissions permissions)
    {
        if (permissions == BlobSasPermissions.None)
        {
            throw new ArgumentException("A SAS needs at least one permission.", nameof(permissions));
        }

        var sb = new StringBuilder(PermissionOrder.Length);
        foreach (var (flag, letter) in PermissionOrder)
        {
            if (permissions.HasFlag(flag))
            {
                sb.Append(letter);
            }
        }

        return sb.ToString();
    }

    /// <summary>Builds the service SAS query (without '?') signed with the account key.</summary>
    public static string ServiceSas(
        string accountName, ReadOnlySpan<byte> accountKey, string containerName, string blobName,
        BlobSasPermissions permissions, DateTimeOffset expiresOn, string? protocol)
    {
        var sp = Permissions(permissions);
        var se = FormatTime(expiresOn);
        var version = StorageClientOptions.ServiceVersion;
        var sig = SharedKeyAuthenticationPolicy.Sign(accountKey, ServiceSasStringToSign(accountName, containerName, blobName, sp, se, protocol));
        return Query(version, protocol, se, sp, sig, null);
    }

    internal static string ServiceSasStringToSign(string accountName, string containerName, string blobName, string sp, string se, string? protocol) =>
        string.Join(
            '\n',
            sp,
            string.Empty, // st
            se,
            CanonicalName(accountName, containerName, blobName),
            string.Empty, // si
            string.Empty, // sip
            protocol ?? string.Empty,
            StorageClientOptions.ServiceVersion,
            "b", // sr
            string.Empty, // snapshot time
            string.Empty, // ses
            string.Empty, // rscc
            string.Empty, // rscd
            string.Empty, // rsce
            string.Empty, // rscl
            string.Empty); // rsct

    /// <summary>Builds the user delegation SAS query (without '?') signed with the delegation key.</summary>
    public static string UserDelegationSas(
        string accountName, UserDelegationKey key, string containerName, string blobName,
        BlobSasPermissions permissions, DateTimeOffset expiresOn, string? protocol)
    {
        var sp = Permissions(permissions);
        var se = FormatTime(expiresOn);
        var version = StorageClientOptions.ServiceVersion;
        var skt = FormatTime(key.SignedStartsOn);
        var ske = FormatTime(key.SignedExpiresOn);
        var stringToSign = UserDelegationStringToSign(accountName, key, containerName, blobName, sp, se, protocol);
        var sig = SharedKeyAuthenticationPolicy.Sign(Convert.FromBase64String(key.Value), stringToSign);
        var delegation = $"&skoid={Uri.EscapeDataString(key.SignedObjectId)}&sktid={Uri.EscapeDataString(key.SignedTenantId)}" +
                         $"&skt={Uri.EscapeDataString(skt)}&ske={Uri.EscapeDataString(ske)}" +
                         $"&sks={Uri.EscapeDataString(key.SignedService)}&skv={Uri.EscapeDataString(key.SignedVersion)}";
        return Query(version, protocol, se, sp, sig, delegation);
    }

    internal static string UserDelegationStringToSign(
        string accountName, UserDelegationKey key, string containerName, string blobName, string sp, string se, string? protocol) =>
        string.Join(
            '\n',
            sp,
            string.Empty, // st
            se,
            CanonicalName(accountName, containerName, blobName),
            key.SignedObjectId,
            key.SignedTenantId,
            FormatTime(key.SignedStartsOn),
            FormatTime(key.SignedExpiresOn),
            key.SignedService,
            key.SignedVersion,
            string.Empty, // saoid
            string.Empty, // suoid
            string.Empty, // scid
            string.Empty, // sip
            protocol ?? string.Empty,
            StorageClientOptions.ServiceVersion,
            "b", // sr
            string.Empty, // snapshot time
            string.Empty, // ses
            string.Empty, // rscc
            string.Empty, // rscd
            string.Empty, // rsce
            string.Empty, // rscl
            string.Empty); // rsct

    // The blob name is signed unescaped: "/blob/{account}/{container}/{name}".
    private static string CanonicalName(string accountName, string containerName, string blobName) =>
        $"/blob/{accountName}/{containerName}/{blobName}";

    private static string Query(string version, string? protocol, string se, string sp, string sig, string? extra) =>
        $"sv={version}" +
        (protocol is null ? string.Empty : $"&spr={protocol}") +
        $"&se={Uri.EscapeDataString(se)}&sr=b&sp={sp}" +
        extra +
        $"&sig={Uri.EscapeDataString(sig)}";
}
