using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Hit.Files.Categories;

internal static partial class CategoryValidation
{
    public const int MaxTitleLength = 200;

    /// <summary>Category ids are <c>Guid.CreateVersion7().ToString("N")</c>: anything else cannot exist, so it is a 404 without a read.</summary>
    public static bool IsCategoryId([NotNullWhen(true)] string? id) => id is not null && IdRegex().IsMatch(id);

    /// <summary>The trimmed title, or the reason it is refused (field <c>title</c>).</summary>
    public static (string? Title, string? Error) Title(string? raw)
    {
        var title = raw?.Trim();
        return title switch
        {
            null or "" => (null, "title is required."),
            { Length: > MaxTitleLength } => (null, $"title is at most {MaxTitleLength} characters."),
            _ when title.Any(char.IsControl) => (null, "title must not contain control characters."),
            _ => (title, null),
        };
    }

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
