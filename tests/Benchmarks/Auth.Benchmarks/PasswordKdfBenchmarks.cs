using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Hit.Auth;
using Hit.Auth.Accounts;
using Microsoft.Extensions.Options;

namespace Auth.Benchmarks;

/// <summary>
/// The part of a login that dominates its latency: verifying the password hash (PasswordHasher v3,
/// PBKDF2-HMAC-SHA512), against <see cref="Rfc2898DeriveBytes.Pbkdf2(string, byte[], int, HashAlgorithmName, int)"/>
/// with the same iterations as the reference. The ratio is the hasher's own overhead.
/// </summary>
[MemoryDiagnoser]
public class PasswordKdfBenchmarks
{
    private const string Password = "correct horse battery staple";
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private Passwords _passwords = null!;
    private string _hash = null!;

    [Params(100_000, 210_000)]
    public int Iterations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _passwords = new Passwords(Options.Create(new AuthOptions { PasswordIterations = Iterations }));
        _hash = _passwords.Hash(Password);
    }

    [Benchmark(Baseline = true, Description = "Rfc2898DeriveBytes.Pbkdf2 SHA-512 (reference)")]
    public byte[] Pbkdf2Alone() => Rfc2898DeriveBytes.Pbkdf2(Password, _salt, Iterations, HashAlgorithmName.SHA512, 32);

    [Benchmark(Description = "Passwords.Verify (PasswordHasher v3)")]
    public object Verify() => _passwords.Verify(_hash, Password);
}
