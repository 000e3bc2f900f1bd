using System.Reflection;
using System.Text.Json.Nodes;
using Hit.Contracts.Auth;
using Hit.Email;
using Hit.Email.Deliveries;
using Hit.Email.Templates;
using Hit.Platform.Worker;
using Hit.Testing;

namespace Email.Tests;

/// <summary>The app's pure parts, in-process: rendering, input rules, message parsing, backoff, the OpenAPI document.</summary>
public sealed class UnitTests
{
    private static readonly TemplateRenderer Renderer = new();

    [Fact]
    public void Render_MissingVariable_NamesIt()
    {
        var (email, error) = Renderer.Render(new TemplateParts("Hi {{name}}", "<p>{{link}}</p>", null), new Dictionary<string, string> { ["name"] = "Ada" });

        Assert.Null(email);
        Assert.Equal("html", error!.Part);
        Assert.Equal("link", error.MissingVariable);
    }

    [Fact]
    public void Render_EscapesHtml_NotSubjectOrText()
    {
        var (email, _) = Renderer.Render(new TemplateParts("{{v}}", "<p>{{v}}</p>", "{{v}}"), new Dictionary<string, string> { ["v"] = "<b>&" });

        Assert.Equal("<b>&", email!.Subject);
        Assert.Equal("<b>&", email.Text);
        Assert.Equal("<p>&lt;b&gt;&amp;</p>", email.Html);
    }

    [Fact]
    public void BuiltInTemplates_RenderWithTheAuthData()
    {
        foreach (var (_, parts) in BuiltInTemplates.All)
        {
            var (email, error) = Renderer.Render(parts, new Dictionary<string, string> { ["token"] = "t", ["link"] = "https://x/?token=t&ns=a", ["expiresAt"] = "soon" });
            Assert.Null(error);
            Assert.Contains("https://x/?token=t&ns=a", email!.Text, StringComparison.Ordinal);
            Assert.Contains("href=\"https://x/?token=t&amp;ns=a\"", System.Net.WebUtility.HtmlDecode(email.Html!).Replace("&ns", "&amp;ns", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_UnclosedBlock_IsInvalid()
    {
        Assert.NotNull(Renderer.Check(new TemplateParts("ok", "{{#if x}}never closed", null)));
        Assert.Null(Renderer.Check(new TemplateParts("ok {{x}}", "{{#if x}}y{{/if}}", "z")));
    }

    [Theory]
    [InlineData(null, "recipient_required")]
    [InlineData("  ", "recipient_required")]
    [InlineData("not-an-address", "recipient_invalid")]
    [InlineData("a@example.com, b@example.com", "recipient_invalid")]
    [InlineData("a@example.com\r\nBcc: victim@example.com", "header_injection")]
    public void ValidateRecipient_Bad_IsRefusedWithCode(string? to, string code)
    {
        var problem = DeliveryFunctions.ValidateRecipient(to);

        Assert.NotNull(problem);
        Assert.Equal(code, problem.ProblemDetails.Extensions["code"]);
        Assert.Equal("to", problem.ProblemDetails.Extensions["field"]);
    }

    [Fact]
    public void ValidateRecipient_NamedAddress_IsAccepted()
    {
        Assert.Null(DeliveryFunctions.ValidateRecipient("Ada Lovelace <ada@example.com>"));
    }

    [Fact]
    public void ValidateContent_LineBreakInSubject_IsHeaderInjection()
    {
        var problem = DeliveryFunctions.ValidateContent(new RenderedEmail("Hi\r\nBcc: x@example.com", null, "t"), 1000);

        Assert.Equal("header_injection", problem!.ProblemDetails.Extensions["code"]);
        Assert.Equal("subject", problem.ProblemDetails.Extensions["field"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("{\"template\":\"auth.verify-email\"}")]
    [InlineData("{\"version\":2,\"messageId\":\"m\",\"namespace\":\"a\",\"template\":\"t\",\"to\":\"a@b.c\",\"data\":{},\"createdAt\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"version\":1,\"messageId\":\"\",\"namespace\":\"a\",\"template\":\"t\",\"to\":\"a@b.c\",\"data\":{},\"createdAt\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"version\":1,\"kind\":\"delivery\",\"deliveryId\":\"../x\",\"namespace\":\"a\"}")]
    public void Parse_UnknownOrBroken_IsPoison(string message)
    {
        Assert.Throws<PoisonMessageException>(() => EmailQueueFunctions.Parse(message));
    }

    [Fact]
    public void Parse_AuthMessageV1_AndDeliveryV1()
    {
        var auth = EmailQueueFunctions.Parse("{\"version\":1,\"messageId\":\"abc\",\"namespace\":\"a\",\"template\":\"auth.verify-email\",\"to\":\"a@b.c\",\"data\":{\"link\":\"l\"},\"createdAt\":\"2026-01-01T00:00:00Z\"}");
        var delivery = EmailQueueFunctions.Parse("{\"version\":1,\"kind\":\"delivery\",\"deliveryId\":\"d1\",\"namespace\":\"a\"}");

        Assert.Equal("auth-abc", EmailQueueFunctions.AuthDeliveryId(Assert.IsType<AuthEmailMessage>(auth)));
        Assert.Equal("d1", Assert.IsType<DeliveryMessage>(delivery).DeliveryId);
    }

    [Fact]
    public void Backoff_DoublesOnAProvider_AndStartsOverOnTheNext()
    {
        var settings = new EmailOptions { AttemptsPerProvider = 3, RetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromSeconds(15) };

        Assert.InRange(DeliveryProcessor.Backoff(1, settings).TotalSeconds, 8, 12);
        Assert.InRange(DeliveryProcessor.Backoff(2, settings).TotalSeconds, 12, 18);
        Assert.InRange(DeliveryProcessor.Backoff(3, settings).TotalSeconds, 8, 12);
    }

    private static string FunctionsMetadata =>
        Path.Combine(typeof(UnitTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "EmailOutput").Value!, "functions.metadata");

    [Fact]
    public void OpenApiDocument_DescribesExactlyTheAppsHttpFunctions()
    {
        var document = JsonNode.Parse(OpenApiFunctions.Read(typeof(EmailOptions).Assembly) ?? throw new InvalidOperationException("Email embeds no openapi.json."))!.AsObject();

        Assert.Empty(OpenApiContract.Mismatches(FunctionsMetadata, document));
    }
}
