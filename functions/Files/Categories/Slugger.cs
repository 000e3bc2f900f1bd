using System.Globalization;
using System.Text;

namespace Hit.Files.Categories;

/// <summary>
/// Turns a title into a URL-safe slug: <c>Été Photos</c> → <c>ete-photos</c>. Pure, so it is unit-tested without a host.
/// </summary>
/// <remarks>
/// Compatibility decomposition (NFKD) splits accented letters into a base letter and combining marks, which are
/// dropped; it also folds ligatures (<c>ﬁ</c>), full-width, superscript and circled forms to plain ASCII. Letters
/// that have no decomposition (<c>ß</c>, <c>æ</c>, <c>ø</c>, <c>ł</c>, …) are transliterated from a small table.
/// Anything else — punctuation, spaces, scripts other than Latin — separates words. Non-Latin scripts are not
/// romanised: a title with nothing Latin in it gets <see cref="Fallback"/>, and sibling uniqueness comes from the
/// numeric suffix. NFKD needs ICU: under invariant globalization <see cref="string.Normalize(NormalizationForm)"/>
/// returns its input unchanged, hence <see cref="EnsureNormalizationAvailable"/>.
/// </remarks>
internal static class Slugger
{
    public const int MaxLength = 80;

    /// <summary>The slug of a title with no Latin letters or digits (only emoji, CJK, Cyrillic, …).</summary>
    public const string Fallback = "category";

    public static string Slugify(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var slug = new StringBuilder(Math.Min(title.Length, MaxLength));
        var pendingDash = false;
        foreach (var c in title.Normalize(NormalizationForm.FormKD))
        {
            if (slug.Length >= MaxLength)
            {
                break;
            }

            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.EnclosingMark:
                case UnicodeCategory.Format:
                    // Marks belong to the preceding letter (é = e + ◌́) and format characters (zero-width joiners,
                    // soft hyphens) are invisible: neither may split a word.
                    continue;
            }

            if (Transliterate(c) is not { } ascii)
            {
                pendingDash = slug.Length > 0;
                continue;
            }

            if (pendingDash)
            {
                slug.Append('-');
                pendingDash = false;
            }

            slug.Append(ascii);
        }

        var result = Trim(slug.ToString());
        return result.Length == 0 ? Fallback : result;
    }

    /// <summary>
    /// Fails start-up when the app runs with invariant globalization, where NFKD silently does nothing and
    /// <c>Été</c> would become <c>t</c> (<c>InvariantGlobalization</c> must be false in the app and its tests).
    /// </summary>
    public static void EnsureNormalizationAvailable()
    {
        if ("\u00E9".Normalize(NormalizationForm.FormKD).Length != 2)
        {
            throw new InvalidOperationException("Category slugs need Unicode normalization (ICU); set <InvariantGlobalization>false</InvariantGlobalization>.");
        }
    }

    /// <summary>The <paramref name="n"/>-th candidate for a slug: the slug itself, then <c>slug-2</c>, <c>slug-3</c>, … within <see cref="MaxLength"/>.</summary>
    public static string WithSuffix(string slug, int n)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (n == 1)
        {
            return slug;
        }

        var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        var stem = slug.Length + suffix.Length > MaxLength ? Trim(slug[..(MaxLength - suffix.Length)]) : slug;
        return stem + suffix;
    }

    private static string Trim(string slug) => slug.Length > MaxLength ? slug[..MaxLength].Trim('-') : slug.Trim('-');

    /// <summary>Lowercase ASCII letters and digits, or null for a word break.</summary>
    private static string? Transliterate(char c) => c switch
    {
        >= 'a' and <= 'z' or >= '0' and <= '9' => c.ToString(),
        >= 'A' and <= 'Z' => char.ToLowerInvariant(c).ToString(),
        'ß' or 'ẞ' => "ss",
        'æ' or 'Æ' => "ae",
        'œ' or 'Œ' => "oe",
        'ø' or 'Ø' => "o",
        'ł' or 'Ł' => "l",
        'đ' or 'Đ' or 'ð' or 'Ð' => "d",
        'þ' or 'Þ' => "th",
        'ı' => "i",
        'ħ' or 'Ħ' => "h",
        'ŋ' or 'Ŋ' => "n",
        'ŧ' or 'Ŧ' => "t",
        'ĸ' => "k",
        'ƒ' => "f",
        _ => null,
    };
}
