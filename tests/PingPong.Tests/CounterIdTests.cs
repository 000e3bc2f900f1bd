using Hit.PingPong.Counters;

namespace PingPong.Tests;

public sealed class CounterIdTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("c-0123456789abcdef")]
    [InlineData("v1.2_release-3")]
    public void Validate_UrlSafeIds_AreAccepted(string id)
    {
        Assert.Null(CounterFunctions.Validate(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a|b")]
    [InlineData("été")]
    [InlineData("a/b")]
    public void Validate_OtherIds_Are400NamingTheId(string id)
    {
        var problem = CounterFunctions.Validate(id);

        Assert.NotNull(problem);
        Assert.Equal(400, problem.StatusCode);
        Assert.Equal("validation_failed", problem.ProblemDetails.Extensions["code"]);
        Assert.Equal("id", problem.ProblemDetails.Extensions["field"]);
    }

    [Fact]
    public void Validate_LengthLimit_Is128()
    {
        Assert.Null(CounterFunctions.Validate(new string('x', 128)));
        Assert.NotNull(CounterFunctions.Validate(new string('x', 129)));
    }
}
