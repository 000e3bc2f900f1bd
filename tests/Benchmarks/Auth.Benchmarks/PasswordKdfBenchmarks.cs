using System.Text;
using BenchmarkDotNet.Attributes;
using Hit.Auth.Accounts;
using Konscious.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Auth.Benchmarks;

/// <summary>
/// The part of a login that dominates its latency: verifying the password hash. <c>Passwords.Verify</c> on an
/// Argon2id PHC hash against Konscious' Argon2id alone with the same parameters (the ratio is the hasher's own
/// overhead: parsing, comparison), at the default (OWASP m = 19 MiB, t = 2) and at OWASP's 7 MiB/t = 5 equivalent;
/// plus a legacy PBKDF2 hash (PasswordHasher v3, 210,000 iterations, the former default), which verifies until its
/// account's next login rehashes it.
/// </summary>
[MemoryDiagnoser]
public class PasswordKdfBenchmarks
{
    private const string Password = "correct horse battery staple";
    private readonly byte[] _salt = new byte[16];
    private Passwords _passwords = null!;
    private string _hash = null!;
    private string _pbkdf2 = null!;

    [Params("19456,2", "7168,5")]
    public string MemoryKiBAndIterations { get; set; } = "19456,2";

    private int MemoryKiB => int.Parse(MemoryKiBAndIterations.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);

    private int Iterations => int.Parse(MemoryKiBAndIterations.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        _passwords = new Passwords(Options.Create(new PasswordHashingOptions { MemoryKiB = MemoryKiB, Iterations = Iterations }));
        _hash = _passwords.Hash(Password);
        _pbkdf2 = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { IterationCount = 210_000 })).HashPassword(new object(), Password);
    }

    [Benchmark(Baseline = true, Description = "Konscious Argon2id alone (reference)")]
    public byte[] Argon2idAlone()
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(Password)) { Salt = _salt, MemorySize = MemoryKiB, Iterations = Iterations, DegreeOfParallelism = 1 };
        return argon2.GetBytes(32);
    }

    [Benchmark(Description = "Passwords.Verify (Argon2id PHC)")]
    public object Verify() => _passwords.Verify(_hash, Password);

    [Benchmark(Description = "Passwords.Verify (legacy PBKDF2, 210,000)")]
    public object VerifyLegacy() => _passwords.Verify(_pbkdf2, Password);
}
