using Hit.Files.Categories;

namespace Hit.Files.Tests.Categories;

public sealed class SluggerTests
{
    [Theory]
    [InlineData("Été Photos", "ete-photos")]
    [InlineData("Straße", "strasse")]
    [InlineData("Ærø", "aero")]
    [InlineData("  --Hello,   World!!", "hello-world")]
    [InlineData("Łódź & Þórsmörk", "lodz-thorsmork")]
    [InlineData("Œuvres complètes", "oeuvres-completes")]
    [InlineData("İstanbul ıspanak", "istanbul-ispanak")]
    [InlineData("ﬁle Ｎｏ５", "file-no5")]
    [InlineData("Photos 写真 2024", "photos-2024")]
    [InlineData("snake_case/and.dots", "snake-case-and-dots")]
    [InlineData("Cafe\u0301 de\u0301compose\u0301", "cafe-decompose")]
    [InlineData("½ price ™", "1-2-price-tm")]
    [InlineData("Ｈｅｌｌｏ　Ⓦⓞⓡⓛⓓ", "hello-world")]
    [InlineData("Tiếng Việt", "tieng-viet")]
    public void Slugify_TransliteratesAndSeparates(string title, string expected) =>
        Assert.Equal(expected, Slugger.Slugify(title));

    [Theory]
    [InlineData("🎉🎈")]
    [InlineData("写真")]
    [InlineData("Фотографии")]
    [InlineData(" -- !! ")]
    public void Slugify_NothingLatin_IsTheFallback(string title) =>
        Assert.Equal(Slugger.Fallback, Slugger.Slugify(title));

    [Fact]
    public void Slugify_VeryLong_IsCutAtMaxLengthWithoutTrailingDash()
    {
        var title = string.Concat(Enumerable.Repeat("Straße Été ", 40));

        var slug = Slugger.Slugify(title);

        Assert.InRange(slug.Length, 70, Slugger.MaxLength);
        Assert.StartsWith("strasse-ete-strasse-", slug, StringComparison.Ordinal);
        Assert.False(slug.EndsWith('-'));
        Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", slug);
    }

    [Fact]
    public void WithSuffix_NumbersFromTwo_AndStaysWithinMaxLength()
    {
        var longest = new string('a', 78) + "-b";

        Assert.Equal("x", Slugger.WithSuffix("x", 1));
        Assert.Equal("x-2", Slugger.WithSuffix("x", 2));
        Assert.Equal("x-10", Slugger.WithSuffix("x", 10));
        Assert.Equal(new string('a', 77) + "-10", Slugger.WithSuffix(longest, 10));
        Assert.Equal(new string('a', 78) + "-2", Slugger.WithSuffix(longest, 2));
        // A cut that lands right after a dash must not leave "a--2".
        Assert.Equal(new string('a', 77) + "-2", Slugger.WithSuffix(new string('a', 77) + "-bb", 2));
    }
}
