using System.Text.Json;
using Hit.Contracts.Directory;

namespace Hit.Directory.Tests;

internal static class TestUsers
{
    private static int _sequence;

    public static CreateUserRequest New(string? guildId = null, string? realName = null, string? email = null, DateOnly? born = null)
    {
        var n = Interlocked.Increment(ref _sequence);
        var unique = Guid.NewGuid().ToString("N")[..12];
        return new CreateUserRequest
        {
            UserId = "u" + unique,
            GuildId = guildId ?? "g" + unique,
            RealName = realName ?? $"Test User {n}",
            Email = email ?? $"user-{unique}@example.com",
            DateOfBirth = born,
            Profile = new Dictionary<string, JsonElement> { ["school"] = JsonSerializer.SerializeToElement("NTU"), ["year"] = JsonSerializer.SerializeToElement(2) },
        };
    }
}
