using System.Text;
using System.Text.Json.Nodes;
using Hit.LocalHost.Handler;
using Hit.LocalHost.Http;
using Hit.LocalHost.Invocation;
using Hit.LocalHost.Triggers;

namespace Hit.LocalHost.Tests.Conversion;

/// <summary>Pure conversion rules from reference §2, pinned without processes or storage.</summary>
public sealed class ConversionRulesTests
{
    [Theory]
    [InlineData("hello", "\"hello\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("line\nnext\ttab", "\"line\\nnext\\ttab\"")]
    [InlineData("é<&>'", "\"é<&>'\"")]
    [InlineData("\u0001\u2028", "\"\\u0001\\u2028\"")]
    public void SerializeString_MatchesNewtonsoftDefaultEscaping(string input, string expected) =>
        Assert.Equal(expected, HostValueEncoding.SerializeString(input));

    [Fact]
    public void DateTimeOffset_DropsFractionAndUsesOffsetForm()
    {
        var value = new DateTimeOffset(2022, 6, 20, 6, 0, 6, 789, TimeSpan.Zero);
        Assert.Equal("2022-06-20T06:00:06+00:00", HostValueEncoding.DateTimeOffset(value).GetValue<string>());
    }

    [Fact]
    public void ApplyJsonProperties_ConvertsLikeNewtonsoftStringCast()
    {
        var data = new BindingData();
        data.Set("Id", "message-id");
        data.ApplyJsonProperties("{\"ID\":\"x\",\"n\":1.50,\"big\":12345678901,\"flag\":false,\"when\":\"2024-01-02T03:04:05Z\",\"o\":{\"k\":1},\"a\":[1]}");

        var metadata = data.ToMetadata("Fn", DateTime.UtcNow, Guid.NewGuid());

        Assert.Equal("\"x\"", metadata["Id"]!.GetValue<string>());
        Assert.Equal("\"1.5\"", metadata["n"]!.GetValue<string>());
        Assert.Equal("\"12345678901\"", metadata["big"]!.GetValue<string>());
        Assert.Equal("\"False\"", metadata["flag"]!.GetValue<string>());
        Assert.Equal("\"01/02/2024 03:04:05\"", metadata["when"]!.GetValue<string>());
        Assert.Equal(1, metadata["o"]!["k"]!.GetValue<int>());
        Assert.False(metadata.ContainsKey("a"));
    }

    [Fact]
    public void ApplyJsonProperties_IgnoresNonObjects()
    {
        var data = new BindingData();
        data.ApplyJsonProperties("[1,2]");
        data.ApplyJsonProperties("{not json}");
        data.ApplyJsonProperties("plain");
        Assert.Empty(data.Values);
    }

    [Fact]
    public void TriggerKeys_AreLeftOutOfMetadata()
    {
        var data = new BindingData();
        data.Set("QueueTrigger", "text");
        data.Set("DequeueCount", 2L);
        var metadata = data.ToMetadata("Fn", DateTime.UtcNow, Guid.NewGuid());
        Assert.Equal(["DequeueCount", "sys"], metadata.Select(p => p.Key));
        Assert.Equal("2", metadata["DequeueCount"]!.GetValue<string>());
    }

    [Fact]
    public void ConvertBindingValue_DecodesBase64LookingStringsUnlessBinary()
    {
        // "test" is valid base64: the host silently turns it into bytes (reference §2 pitfall 3).
        Assert.Equal(Convert.FromBase64String("test"), OutputBinder.ConvertBindingValue(JsonValue.Create("test"), binary: false));
        Assert.Equal("test", OutputBinder.ConvertBindingValue(JsonValue.Create("test"), binary: true));
        Assert.Equal("not base64!", OutputBinder.ConvertBindingValue(JsonValue.Create("not base64!"), binary: false));
        Assert.Null(OutputBinder.ConvertBindingValue(null, binary: false));
        Assert.IsType<JsonObject>(OutputBinder.ConvertBindingValue(new JsonObject(), binary: false));
    }

    [Fact]
    public void QueueMessages_FanOutArraysAndJsonArrayStrings_IndentObjects()
    {
        var fromArray = OutputBinder.ToQueueMessages(new JsonArray("a", 1, new JsonObject { ["b"] = 2 })).Select(System.Text.Encoding.UTF8.GetString).ToList();
        Assert.Equal(["a", "1", "{\n  \"b\": 2\n}"], fromArray);
        var fromString = OutputBinder.ToQueueMessages("[\"x\",\"y\"]").Select(System.Text.Encoding.UTF8.GetString).ToList();
        Assert.Equal(["x", "y"], fromString);
        Assert.Equal("[not json", System.Text.Encoding.UTF8.GetString(OutputBinder.ToQueueMessages("[not json").Single()));
    }

    [Fact]
    public void BlobContent_FollowsStreamBindingRules()
    {
        Assert.Equal("{\"a\":1}", System.Text.Encoding.UTF8.GetString(OutputBinder.ToBlobContent(new JsonObject { ["a"] = 1 })));
        Assert.Equal("héllo"u8.ToArray(), OutputBinder.ToBlobContent("héllo"));
        Assert.Equal(BitConverter.GetBytes(7L), OutputBinder.ToBlobContent(7L));
    }

    [Fact]
    public void BlobPathPattern_BindsParametersAndListsByLiteralPrefix()
    {
        var pattern = BlobPathPattern.Parse("uploads/in/{ns}/{rest}");
        Assert.Equal("uploads", pattern.Container);
        Assert.Equal("in/", pattern.Prefix);
        Assert.Equal([new("ns", "acme"), new KeyValuePair<string, string>("rest", "a/b.txt")], pattern.Match("in/acme/a/b.txt"));
        Assert.Null(pattern.Match("out/acme/a.txt"));
        Assert.Equal([new KeyValuePair<string, string>("name", "x.png")], BlobPathPattern.Parse("images/{name}").Match("x.png"));
        Assert.Throws<InvalidDataException>(() => BlobPathPattern.Parse("{container}/x"));
    }

    [Fact]
    public void WorkerArguments_ExpandKnownVariablesAndDropUnresolvedTokens()
    {
        var variables = new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "4242" };
        Assert.Equal("http://127.0.0.1:4242", WorkerCommandLine.Expand("http://127.0.0.1:%FUNCTIONS_CUSTOMHANDLER_PORT%", variables));
        Assert.Equal("a-b", WorkerCommandLine.Expand("a-%MISSING%b", variables));
    }

    [Theory]
    [InlineData("", "counter/{id}", "counter/{id}")]
    [InlineData("api", "/counter/{id}", "api/counter/{id}")]
    [InlineData("/api/", "", "api")]
    public void RoutePattern_AppliesPrefix(string prefix, string route, string expected) =>
        Assert.Equal(expected, FunctionHttpServer.RoutePattern(prefix, route));

    [Fact]
    public void BindingExpressions_ResolveFromTriggerData()
    {
        var data = new BindingData();
        data.Set("name", "r-1");
        var now = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.Equal("out/r-1-2024-01-02T03-04-05Z", BindingExpressions.Resolve("out/{Name}-{DateTime}", data, now, Guid.Empty));
        Assert.Throws<InvalidOperationException>(() => BindingExpressions.Resolve("out/{missing}", data, now, Guid.Empty));
    }

    [Fact]
    public void HostId_IsLowercaseAndBounded() =>
        Assert.Equal("my-app-name-with-a-very-long-nam", LocalFunctionsHost.DefaultHostId("My_App.Name with a very long name indeed"));
}
