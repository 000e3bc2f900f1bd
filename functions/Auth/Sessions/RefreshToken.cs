using System.Diagnostics.CodeAnalysis;
using Hit.Platform.Tenancy;

namespace Hit.Auth.Sessions;

/// <summary>
/// <c>hrt1.&lt;ns&gt;.&lt;userId&gt;.&lt;sid&gt;.&lt;secret&gt;</c>: the prefix locates the session with a point read;
/// only the 256-bit secret authenticates, and only its hash is stored.
/// </summary>
internal readonly record struct RefreshToken(string Ns, string UserId, string Sid, string Secret)
{
    private const string Prefix = "hrt1";

    public override string ToString() => $"{Prefix}.{Ns}.{UserId}.{Sid}.{Secret}";

    public static bool TryParse(string? value, [NotNullWhen(true)] out RefreshToken? token)
    {
        token = null;
        if (value is null || value.Length > 256)
        {
            return false;
        }

        var parts = value.Split('.');
        if (parts.Length != 5 || parts[0] != Prefix || !TenantNamespace.IsValid(parts[1]) || !IsId(parts[2]) || !IsId(parts[3]) || parts[4].Length != 43)
        {
            return false;
        }

        token = new RefreshToken(parts[1], parts[2], parts[3], parts[4]);
        return true;
    }

    private static bool IsId(string value) => value.Length == 32 && value.All(char.IsAsciiHexDigitLower);
}
