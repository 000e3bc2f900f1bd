using System.Text.Json.Nodes;
using Hit.Platform.Triggers;

namespace Hit.Platform.Tests;

public sealed class EnvelopeTests
{
    // Recorded from a real host (reference/functions-custom-handler.md §2, Ballerina capture queue-string.json).
    private const string RecordedQueueEnvelope = """
        { "Data": { "inMsg": "\"aaaaa\"" },
          "Metadata": { "DequeueCount": "1", "ExpirationTime": "2022-06-20T06:00:06+00:00",
            "Id": "\"a0004923-f050-417a-9742-6d7c7b984134\"", "InsertionTime": "2022-06-13T06:00:06+00:00",
            "NextVisibleTime": "2022-06-13T06:10:18+00:00", "PopReceipt": "\"AgAAAAMAAAAAAAAA8d5gQex+2AE=\"",
            "sys": { "MethodName": "queue", "UtcNow": "2022-06-13T06:00:18.1974545Z", "RandGuid": "d9ba0f41-4e4a-4b6a-8d4a-000000000000" } } }
        """;

    [Fact]
    public void DecodeString_RecordedQueueEnvelope_UndoesDoubleEncoding()
    {
        var envelope = JsonNode.Parse(RecordedQueueEnvelope)!.AsObject();

        Assert.Equal("aaaaa", Envelope.DecodeString(envelope["Data"]!["inMsg"]));
        var info = QueueMessageInfo.From(envelope["Metadata"]!.AsObject());
        Assert.Equal("a0004923-f050-417a-9742-6d7c7b984134", info.Id);
        Assert.Equal(1, info.DequeueCount);
        Assert.Equal("AgAAAAMAAAAAAAAA8d5gQex+2AE=", info.PopReceipt);
        Assert.Equal(new DateTimeOffset(2022, 6, 20, 6, 0, 6, TimeSpan.Zero), info.ExpirationTime);
        Assert.Equal(new DateTimeOffset(2022, 6, 13, 6, 10, 18, TimeSpan.Zero), info.NextVisibleTime);
    }

    [Theory]
    [InlineData("\"\\\"hello\\\"\"", "hello")]               // double-encoded (what the host sends)
    [InlineData("\"hello\"", "hello")]                       // singly encoded (the docs' idealised sample)
    [InlineData("\"\\\"{\\\\\\\"a\\\\\\\":1}\\\"\"", "{\"a\":1}")] // a JSON object message, double-encoded
    [InlineData("\"{\\\"a\\\":1}\"", "{\"a\":1}")]           // the same, singly encoded
    [InlineData("1", "1")]                                   // a bare number ("DequeueCount": 1)
    [InlineData("\"\\\"\\\"\"", "")]                          // an empty message
    public void DecodeString_AcceptsEveryEncodingTheHostMaySend(string json, string expected) =>
        Assert.Equal(expected, Envelope.DecodeString(JsonNode.Parse(json)));

    [Fact]
    public void DecodeString_LeavesQuotedTextThatIsNotJsonAlone() =>
        Assert.Equal("\"unterminated", Envelope.DecodeString(JsonValue.Create("\"unterminated")));

    [Fact]
    public void EncodeText_IsBase64OfTheExactUtf8Bytes()
    {
        // "test" is itself valid base64: sent raw, the host would decode it into three garbage bytes.
        Assert.Equal("dGVzdA==", Envelope.EncodeText("test").GetValue<string>());
        Assert.Equal("w6l0w6k=", Envelope.EncodeText("été").GetValue<string>());
    }

    [Fact]
    public void DecodeBase64_ReadsBlobContent()
    {
        // Blob trigger capture: "aGVsbG8gZnJvbSBieXRlCg==" is "hello from byte\n".
        Assert.Equal("hello from byte\n"u8.ToArray(), Envelope.DecodeBase64(JsonValue.Create("aGVsbG8gZnJvbSBieXRlCg==")));
    }
}
