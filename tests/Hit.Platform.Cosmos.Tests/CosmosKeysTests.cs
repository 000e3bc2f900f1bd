namespace Hit.Platform.Cosmos.Tests;

public sealed class CosmosKeysTests
{
    [Fact]
    public void Pk_StartsWithNamespace()
    {
        Assert.Equal("acme|counter|c1", CosmosKeys.Pk("acme", "counter", "c1"));
        Assert.Equal("acme", CosmosKeys.Pk("acme"));
    }

    [Theory]
    [InlineData("a|counter", "x", "a", "counter|x")]
    [InlineData("a", "b|c", "a|b", "c")]
    [InlineData("a%7Cb", "c", "a|b", "c")]
    public void Pk_SeparatorInsideParts_CannotCollideAcrossTenants(string ns1, string part1, string ns2, string part2)
    {
        var first = CosmosKeys.Pk(ns1, part1);
        var second = CosmosKeys.Pk(ns2, part2);

        Assert.NotEqual(first, second);
        Assert.Equal(ns1, CosmosKeys.NamespaceOf(first));
        Assert.Equal(ns2, CosmosKeys.NamespaceOf(second));
    }

    [Fact]
    public void Pk_ForbiddenIdCharacters_AreEscaped()
    {
        var pk = CosmosKeys.Pk("t", "a/b\\c?d#e%f");

        Assert.Equal("t|a%2Fb%5Cc%3Fd%23e%25f", pk);
        Assert.DoesNotContain('/', pk);
    }

    [Fact]
    public void BelongsTo_OnlyTheOwningNamespace()
    {
        var pk = CosmosKeys.Pk("tenant-a", "note");

        Assert.True(CosmosKeys.BelongsTo(pk, "tenant-a"));
        Assert.False(CosmosKeys.BelongsTo(pk, "tenant"));
        Assert.False(CosmosKeys.BelongsTo(pk, "tenant-a|note"));
    }

    [Fact]
    public void Id_IsDeterministicAndEscaped()
    {
        Assert.Equal(CosmosKeys.Id("user", "Bob@Example.com"), CosmosKeys.Id("user", "Bob@Example.com"));
        Assert.Equal("email|a%2Fb", CosmosKeys.Id("email", "a/b"));
    }

    [Fact]
    public void Id_TooLong_Throws()
    {
        Assert.Throws<ArgumentException>(() => CosmosKeys.Id(new string('x', 256)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Pk_EmptyParts_Throw(string? part)
    {
        Assert.ThrowsAny<ArgumentException>(() => CosmosKeys.Pk("ns", part!));
        Assert.ThrowsAny<ArgumentException>(() => CosmosKeys.Pk(part!, "x"));
    }
}
