using System.Net;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Email;

namespace Email.Tests;

/// <summary>Template CRUD per namespace and rendering through <c>POST /emails</c>.</summary>
[Collection(EmailCollection.Name)]
public sealed class TemplateTests(EmailFactory factory)
{
    [Fact]
    public async Task Templates_Crud_RenderAndFallBackToBuiltIn()
    {
        var ns = EmailFactory.NewNamespace();
        using var client = factory.ServiceClient(ns);
        var template = new TemplateRequest("Welcome {{name}}", "<h1>Hi {{name}}</h1><p>{{plan}}</p>", "Hi {{name}}, plan {{plan}}");

        using (var created = await client.PostAsJsonAsync("templates/welcome", template, HitJsonContext.Default.TemplateRequest))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var again = await client.PostAsJsonAsync("templates/welcome", template, HitJsonContext.Default.TemplateRequest))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("template_exists", await DeliveryTests.CodeAsync(again));
        }

        var read = await client.GetFromJsonAsync("templates/welcome", HitJsonContext.Default.TemplateResponse);
        Assert.Equal(("Welcome {{name}}", false), (read!.Subject, read.BuiltIn));

        using (var missing = await client.PostAsJsonAsync("emails", new SendEmailRequest(EmailFactory.NewEmail(), "welcome", new Dictionary<string, string> { ["name"] = "Ada" }),
            HitJsonContext.Default.SendEmailRequest))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Equal("template_variable_missing", await DeliveryTests.CodeAsync(missing));
            Assert.Contains("plan", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var replaced = await client.PutAsJsonAsync("templates/welcome", template with { Subject = "Hello {{name}}" }, HitJsonContext.Default.TemplateRequest))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }

        var to = EmailFactory.NewEmail("tpl");
        using (var send = await client.PostAsJsonAsync("emails", new SendEmailRequest(to, "welcome", new Dictionary<string, string> { ["name"] = "Ada <3", ["plan"] = "pro" }),
            HitJsonContext.Default.SendEmailRequest))
        {
            Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        }

        var mail = (await Maildev.WaitForAsync(to)).Single();
        Assert.Equal("Hello Ada <3", mail.Subject);
        Assert.Contains("<h1>Hi Ada &lt;3</h1>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Hi Ada <3, plan pro", mail.Text, StringComparison.Ordinal);

        using (var otherTenant = factory.ServiceClient(EmailFactory.NewNamespace()))
        using (var foreign = await otherTenant.GetAsync("templates/welcome"))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using (var deleted = await client.DeleteAsync("templates/welcome"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await client.GetAsync("templates/welcome"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    [Fact]
    public async Task BuiltInTemplate_CanBeOverridden_AndComesBackOnDelete()
    {
        var ns = EmailFactory.NewNamespace();
        using var client = factory.ServiceClient(ns);
        Assert.True((await client.GetFromJsonAsync("templates/auth.verify-email", HitJsonContext.Default.TemplateResponse))!.BuiltIn);

        using (var put = await client.PutAsJsonAsync("templates/auth.verify-email", new TemplateRequest("Bitte bestätigen", null, "{{link}}"), HitJsonContext.Default.TemplateRequest))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal("Bitte bestätigen", (await client.GetFromJsonAsync("templates/auth.verify-email", HitJsonContext.Default.TemplateResponse))!.Subject);
        using (var deleted = await client.DeleteAsync("templates/auth.verify-email"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.True((await client.GetFromJsonAsync("templates/auth.verify-email", HitJsonContext.Default.TemplateResponse))!.BuiltIn);
        using var builtInDelete = await client.DeleteAsync("templates/auth.verify-email");
        Assert.Equal(HttpStatusCode.NotFound, builtInDelete.StatusCode);
    }

    [Theory]
    [InlineData("Bad-Name", "{\"subject\":\"s\",\"text\":\"t\"}", "name", "template_name_invalid")]
    [InlineData("ok", "{\"text\":\"t\"}", "subject", "content_required")]
    [InlineData("ok", "{\"subject\":\"s\"}", "html", "content_required")]
    [InlineData("ok", "{\"subject\":\"s\",\"html\":\"{{#if x}}open\"}", "html", "template_invalid")]
    [InlineData("ok", "{\"subject\":\"a\\r\\nBcc: x@example.com\",\"text\":\"t\"}", "subject", "header_injection")]
    public async Task CreateTemplate_BadInput_Is400NamingTheField(string name, string body, string field, string code)
    {
        using var client = factory.ServiceClient(EmailFactory.NewNamespace());
        using var response = await client.PostAsync($"templates/{name}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"code\":\"{code}\"", text, StringComparison.Ordinal);
        Assert.Contains($"\"field\":\"{field}\"", text, StringComparison.Ordinal);
    }
}
