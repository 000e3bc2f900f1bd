using System.Text;
using Hit.Files.Uploads;

namespace Hit.Files.Tests.Uploads;

public sealed class ContentAndNameTests
{
    public static TheoryData<byte[], string> Samples => new()
    {
        { TestImages.Jpeg(4, 4), "image/jpeg" },
        { TestImages.Png(4, 4), "image/png" },
        { "GIF89a\u0001\0\u0001\0"u8.ToArray(), "image/gif" },
        { Encoding.UTF8.GetBytes(TestImages.Svg), "image/svg+xml" },
        { "  <svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "image/svg+xml" },
        { "<?xml version=\"1.0\"?><note/>"u8.ToArray(), "application/xml" },
        { "<!DOCTYPE html><html><script>alert(1)</script>"u8.ToArray(), "text/html" },
        { "%PDF-1.7\n"u8.ToArray(), "application/pdf" },
        { "PK\u0003\u0004rest"u8.ToArray(), "application/zip" },
        { "RIFF\0\0\0\0WEBPVP8 "u8.ToArray(), "image/webp" },
        { "\0\0\0\u0018ftypheic"u8.ToArray(), "image/heic" },
        { "plain words, café"u8.ToArray(), "text/plain" },
        { "{\"a\":1}"u8.ToArray(), "application/json" },
        { new byte[] { 0, 1, 2, 3, 200, 201 }, "application/octet-stream" },
        { Array.Empty<byte>(), "text/plain" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sniff_DecidesFromTheBytes(byte[] head, string expected) => Assert.Equal(expected, ContentSniffing.Sniff(head));

    [Fact]
    public void Sniff_TextCutMidCharacterAtTheWindowEdge_IsStillText()
    {
        var text = Encoding.UTF8.GetBytes(new string('a', ContentSniffing.HeadLength - 1) + "é");
        Assert.Equal("text/plain", ContentSniffing.Sniff(text.AsSpan(0, ContentSniffing.HeadLength)));
    }

    [Theory]
    [InlineData(null, "file")]
    [InlineData("   ", "file")]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("C:\\Users\\me\\Pictures\\photo.jpg", "photo.jpg")]
    [InlineData("../../../etc/passwd", "passwd")]
    [InlineData("..", "file")]
    [InlineData("...", "file")]
    [InlineData(".hidden", "hidden")]
    [InlineData("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt")]
    [InlineData("tab\there.txt", "tab_here.txt")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("Été 2026.png", "Été 2026.png")]
    [InlineData("e\u0301te\u0301.png", "été.png")]
    [InlineData("%2e%2e%2fx", "_2e_2e_2fx")]
    public void SafeFileName_Neutralises(string? raw, string expected) => Assert.Equal(expected, SafeFileName.From(raw));

    [Fact]
    public void SafeFileName_LongNames_KeepTheirExtension()
    {
        var name = SafeFileName.From(new string('x', 500) + ".jpeg");
        Assert.Equal(SafeFileName.MaxLength, name.Length);
        Assert.EndsWith(".jpeg", name, StringComparison.Ordinal);
    }

    [Fact]
    public void SafeFileName_NeverSplitsASurrogatePair()
    {
        var name = SafeFileName.From(new string('x', SafeFileName.MaxLength - 1) + "😀😀😀");
        Assert.True(name.Length <= SafeFileName.MaxLength);
        Assert.False(char.IsHighSurrogate(name[^1]));
    }
}
