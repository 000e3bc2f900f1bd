using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Hit.Auth.Accounts;

/// <summary>
/// PasswordHasher v3 (PBKDF2-HMAC-SHA512, 128-bit salt, the iteration count in the hash). Argon2/bcrypt packages
/// do not restore here. Raising <see cref="AuthOptions.PasswordIterations"/> upgrades hashes in place: a login
/// with an older hash verifies as "rehash needed" and the account gets a new hash.
/// </summary>
internal sealed class Passwords
{
    private readonly PasswordHasher<AccountDocument> _hasher;
    private readonly string _dummyHash;

    public Passwords(IOptions<AuthOptions> options)
    {
        _hasher = new PasswordHasher<AccountDocument>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.PasswordIterations,
        }));
        // Verified against when the account does not exist, so "no such email" costs the same time as "wrong password".
        _dummyHash = _hasher.HashPassword(null!, "not-a-real-password-" + Guid.NewGuid());
    }

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordVerificationResult Verify(string? hash, string password) =>
        _hasher.VerifyHashedPassword(null!, hash ?? _dummyHash, password) is var result && hash is null ? PasswordVerificationResult.Failed : result;
}
