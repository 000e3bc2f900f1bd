namespace Infra.Tests.Consistency;

public sealed class BicepLiteralTests
{
    [Fact]
    public void Parse_MultiLineAndSingleLineForms_GiveTheSameValues()
    {
        const string Text = """
            {
              name: 'files' // trailing comment
              flags: [true, false, null]
              sizes: [
                1
                -2
              ]
              'quoted-key': { a: 'it\'s', b: [] }
            }
            """;

        var value = Assert.IsType<Dictionary<string, object?>>(BicepLiteral.Parse(Text));

        Assert.Equal("files", value["name"]);
        Assert.Equal(new object?[] { true, false, null }, Assert.IsType<List<object?>>(value["flags"]));
        Assert.Equal(new object?[] { 1L, -2L }, Assert.IsType<List<object?>>(value["sizes"]));
        var quoted = Assert.IsType<Dictionary<string, object?>>(value["quoted-key"]);
        Assert.Equal("it's", quoted["a"]);
        Assert.Empty(Assert.IsType<List<object?>>(quoted["b"]));
    }

    [Theory]
    [InlineData("{ name: resourceToken }")]
    [InlineData("{ name: 'x-${y}' }")]
    [InlineData("[ 'a' 'b' ]")]
    [InlineData("{ a: 1, a: 2 }")]
    [InlineData("{ a: 'unterminated }")]
    public void Parse_NonLiteralOrMalformed_Throws(string text)
    {
        Assert.Throws<FormatException>(() => BicepLiteral.Parse(text));
    }

    [Fact]
    public void ParseVariable_MissingVariable_Throws()
    {
        Assert.Throws<FormatException>(() => BicepLiteral.ParseVariable("var other = []", "apps"));
    }
}
