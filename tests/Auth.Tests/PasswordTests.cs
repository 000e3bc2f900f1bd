using Hit.Auth.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Auth.Tests;

/// <summary>The password hasher in process: Argon2id PHC strings, PBKDF2 hashes as "rehash needed", the start-up check.</summary>
public sealed class PasswordTests
{
    private const string Password = "correct horse battery";

    private static Passwords Cheap(int memoryKiB = 1024, int iterations = 1, int parallelism = 1) =>
        new(Options.Create(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations, Parallelism = parallelism }));

    private static ValidateOptionsResult Validate(PasswordHashingOptions options, string environment) =>
        new PasswordHashingOptionsValidator(new HostingEnvironment { EnvironmentName = environment }).Validate(null, options);

    [Fact]
    public void Defaults_AreOwaspsFirstRecommendation_AndPassTheProductionCheck()
    {
        var defaults = new PasswordHashingOptions();
        Assert.Equal((19_456, 2, 1), (defaults.MemoryKiB, defaults.Iterations, defaults.Parallelism));
        Assert.True(Validate(defaults, Environments.Production).Succeeded);

        // The default hash, verified (one real-cost hash: ≈ 100 ms or more).
        var passwords = new Passwords(Options.Create(defaults));
        var hash = passwords.Hash(Password);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, passwords.Verify(hash, Password));
    }

    [Theory]
    [InlineData(47_104, 1)]
    [InlineData(12_288, 3)]
    [InlineData(9_216, 4)]
    [InlineData(7_168, 5)]
    public void OwaspsEquivalentSettings_PassTheProductionCheck(int memoryKiB, int iterations) =>
        Assert.True(Validate(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations }, Environments.Production).Succeeded);

    [Theory]
    [InlineData(1024, 1)]
    [InlineData(19_456, 1)]
    [InlineData(6_144, 10)]
    public void WeakerSettings_FailStartOutsideDevelopment_AndPassInDevelopment(int memoryKiB, int iterations)
    {
        var options = new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations };
        Assert.False(Validate(options, Environments.Production).Succeeded);
        Assert.False(Validate(options, Environments.Staging).Succeeded);
        Assert.True(Validate(options, Environments.Development).Succeeded);
    }

    [Theory]
    [InlineData(4, 1, 1)]
    [InlineData(1024, 0, 1)]
    [InlineData(1024, 1, 0)]
    [InlineData(1024, 1, 17)]
    [InlineData(2_000_000, 1, 1)]
    public void ImpossibleSettings_FailEvenInDevelopment(int memoryKiB, int iterations, int parallelism) =>
        Assert.False(Validate(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations, Parallelism = parallelism }, Environments.Development).Succeeded);

    [Fact]
    public void Hash_IsAPhcStringWithAFreshSalt_AndVerifiesOnlyTheRightPassword()
    {
        var passwords = Cheap();
        var a = passwords.Hash(Password);
        var b = passwords.Hash(Password);

        Assert.Matches(@"^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", a);
        Assert.NotEqual(a, b);
        Assert.True(Passwords.TryParse(a, out var m, out var t, out var p, out var salt, out var hash));
        Assert.Equal((1024, 1, 1, 16, 32), (m, t, p, salt.Length, hash.Length));
        Assert.Equal(PasswordVerificationResult.Success, passwords.Verify(a, Password));
        Assert.Equal(PasswordVerificationResult.Failed, passwords.Verify(a, "wrong horse battery"));
        Assert.Equal(PasswordVerificationResult.Failed, passwords.Verify(a, Password + " "));
    }

    [Fact]
    public void Argon2idHashWithOtherParameters_VerifiesAsRehashNeeded()
    {
        var old = Cheap(memoryKiB: 512, iterations: 2).Hash(Password);
        var passwords = Cheap();

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, passwords.Verify(old, Password));
        Assert.Equal(PasswordVerificationResult.Failed, passwords.Verify(old, "wrong horse battery"));
    }

    [Theory]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV3)]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV2)]
    public void Pbkdf2Hashes_VerifyAsRehashNeeded_WrongPasswordFails(PasswordHasherCompatibilityMode mode)
    {
        var legacy = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { CompatibilityMode = mode, IterationCount = 100_000 })).HashPassword(new object(), Password);
        var passwords = Cheap();

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, passwords.Verify(legacy, Password));
        Assert.Equal(PasswordVerificationResult.Failed, passwords.Verify(legacy, "wrong horse battery"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$")]
    [InlineData("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("not a hash")]
    public void MissingOrMalformedHashes_Fail(string? stored) =>
        Assert.Equal(PasswordVerificationResult.Failed, Cheap().Verify(stored, Password));

    [Fact]
    public void AlteredHash_Fails()
    {
        var passwords = Cheap();
        var hash = passwords.Hash(Password);
        var altered = hash[..^3] + (hash[^3] == 'A' ? 'B' : 'A') + hash[^2..];

        Assert.Equal(PasswordVerificationResult.Failed, passwords.Verify(altered, Password));
    }
}
