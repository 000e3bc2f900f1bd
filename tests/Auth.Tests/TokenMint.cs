using System.Security.Cryptography;
using System.Text;
using Hit.Auth.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Tests;

/// <summary>Builds tokens the way an attacker (or a misconfigured issuer) would, signed with the real key where needed.</summary>
internal static class TokenMint
{
    public static SecurityTokenDescriptor Valid(string ns, string sub = "u", string sid = "s")
    {
        var now = DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = AuthFactory.Issuer,
            Audience = AuthFactory.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = sub, ["ns"] = ns, ["email"] = "a@example.com", ["sid"] = sid },
        };
    }

    public static async Task<string> SignWithCurrentKeyAsync(AuthFactory factory, SecurityTokenDescriptor descriptor)
    {
        var key = await factory.Services.GetRequiredService<KeyRing>().GetSigningKeyAsync(CancellationToken.None);
        descriptor.SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static string Sign(SecurityTokenDescriptor descriptor, SecurityKey key, string algorithm)
    {
        descriptor.SigningCredentials = new SigningCredentials(key, algorithm);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with an arbitrary header and an arbitrary (or empty) signature part.</summary>
    public static string Raw(string headerJson, string payloadJson, string signature = "") =>
        B64(Encoding.UTF8.GetBytes(headerJson)) + "." + B64(Encoding.UTF8.GetBytes(payloadJson)) + "." + signature;

    public static string HmacSign(string headerJson, string payloadJson, byte[] secret)
    {
        var signingInput = B64(Encoding.UTF8.GetBytes(headerJson)) + "." + B64(Encoding.UTF8.GetBytes(payloadJson));
        return signingInput + "." + B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);
}
