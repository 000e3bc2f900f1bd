using System.Text.Json;
using System.Text.RegularExpressions;
using Hit.Contracts.Directory;

namespace Hit.Directory.Users;

/// <summary>A field that failed validation, named as the client sent it.</summary>
internal sealed record FieldError(string Field, string Message);

/// <summary>Pure validation of user input (no I/O); every error names its field.</summary>
internal static partial class UserValidation
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxProfileKeys = 50;
    public const int MaxProfileBytes = 16 * 1024;

    public static FieldError? DiscordId(string field, string? value) =>
        value is null ? new(field, $"{field} is required.")
        : IdRegex().IsMatch(value) ? null
        : new(field, $"{field} must be 1–64 characters of letters, digits, '-' or '_'.");

    public static FieldError? RealName(string? value) =>
        value is null || value.Trim().Length == 0 ? new("real_name", "real_name is required.")
        : value.Trim().Length > MaxNameLength ? new("real_name", $"real_name is at most {MaxNameLength} characters.")
        : value.Any(char.IsControl) ? new("real_name", "real_name must not contain control characters.")
        : null;

    public static FieldError? Email(string? value) =>
        value is null || value.Trim().Length == 0 ? new("email", "email is required.")
        : value.Trim().Length > MaxEmailLength || !EmailRegex().IsMatch(value.Trim()) ? new("email", "email is not a valid e-mail address.")
        : null;

    public static FieldError? Phone(string? value) =>
        value is null || PhoneRegex().IsMatch(value) ? null : new("phone_number", "phone_number must be 3–32 digits, spaces, '(', ')', '-', optionally starting with '+'.");

    public static FieldError? DateOfBirth(DateOnly? value, DateOnly today) =>
        value is null || (value.Value.Year >= 1900 && value.Value <= today) ? null : new("date_of_birth", "date_of_birth must be between 1900-01-01 and today.");

    public static FieldError? Profile(Dictionary<string, JsonElement>? profile)
    {
        if (profile is null)
        {
            return null;
        }

        if (profile.Count > MaxProfileKeys)
        {
            return new("profile", $"profile has at most {MaxProfileKeys} fields.");
        }

        if (profile.Keys.FirstOrDefault(k => k.Length is 0 or > 64 || k.Any(char.IsControl)) is { } bad)
        {
            return new("profile", $"profile field name '{bad}' must be 1–64 printable characters.");
        }

        var size = profile.Values.Sum(v => v.ValueKind == JsonValueKind.Undefined ? 0 : v.GetRawText().Length);
        return size > MaxProfileBytes ? new("profile", $"profile is at most {MaxProfileBytes} bytes of JSON.") : null;
    }

    public static FieldError? Create(CreateUserRequest request, DateOnly today) =>
        DiscordId("user_id", request.UserId)
        ?? DiscordId("guild_id", request.GuildId)
        ?? RealName(request.RealName)
        ?? Email(request.Email)
        ?? Phone(request.PhoneNumber)
        ?? DateOfBirth(request.DateOfBirth, today)
        ?? Profile(request.Profile);

    public static FieldError? Update(UpdateUserRequest request, DateOnly today) =>
        (request.UserId is null ? null : DiscordId("user_id", request.UserId))
        ?? (request.GuildId is null ? null : DiscordId("guild_id", request.GuildId))
        ?? (request.RealName is null ? null : RealName(request.RealName))
        ?? (request.Email is null ? null : Email(request.Email))
        ?? Phone(request.PhoneNumber)
        ?? DateOfBirth(request.DateOfBirth, today)
        ?? Profile(request.Profile);

    /// <summary>Record ids the directory assigns: 32 lowercase hex digits.</summary>
    public static bool IsRecordId(string id) => RecordIdRegex().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailRegex();

    [GeneratedRegex(@"^\+?[0-9 ()-]{3,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneRegex();

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex RecordIdRegex();
}
