using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hit.Contracts.Directory;

namespace Hit.Directory.Tests;

/// <summary>
/// Raw JSON bodies as clients other than the SDK send them: the HackIt seed's numeric Discord ids, and every kind of
/// body the directory cannot read (each refused with the JSON path and the reason, and nothing written).
/// </summary>
[Collection(DirectoryCollection.Name)]
public sealed class BodyTests(DirectoryFactory factory)
{
    /// <summary>The seed's README example, numbers and all, as its Python client sends it.</summary>
    public const string SeedBody = """{"user_id": 12345, "guild_id": 67890, "real_name": "John Doe", "email": "john@example.com"}""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task CreateUser_SeedBodyWithNumericIds_Returns201_AndKeepsTheIdsAsStrings()
    {
        var ns = DirectoryFactory.NewNamespace();
        // The seed's client signs with version 1.
        using var client = factory.SignedClient(ns, version: 1);

        using var response = await client.PostAsync(new Uri("users/", UriKind.Relative), Json(SeedBody));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var data = (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!;
        Assert.Equal(System.Text.Json.JsonValueKind.String, data["user_id"]!.GetValueKind());
        Assert.Equal(("12345", "67890"), ((string?)data["user_id"], (string?)data["guild_id"]));
        await using var sdk = factory.Sdk(ns);
        var stored = await sdk.GetUserByDiscordAsync("12345", "67890");
        Assert.Equal(("12345", "67890", "John Doe"), (stored.UserId, stored.GuildId, stored.RealName));
    }

    [Theory]
    [InlineData("9007199254740993")]               // 2^53 + 1: a double would answer ...992
    [InlineData("18446744073709551617")]           // 2^64 + 1: beyond every integer type
    [InlineData("123456789012345678901234567890")]
    [InlineData("0")]
    public async Task CreateUser_HugeNumericIds_AreKeptDigitForDigit(string id)
    {
        using var client = factory.SignedClient(DirectoryFactory.NewNamespace());
        var body = $$"""{"user_id": {{id}}, "guild_id": {{id}}, "real_name": "Big Ids", "email": "big-{{Guid.NewGuid():N}}@example.com"}""";

        using var response = await client.PostAsync(new Uri("users/", UriKind.Relative), Json(body));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var data = (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!;
        Assert.Equal((id, id), ((string?)data["user_id"], (string?)data["guild_id"]));
    }

    [Fact]
    public async Task UpdateAndQuery_AcceptNumericIdsToo()
    {
        var ns = DirectoryFactory.NewNamespace();
        await using var sdk = factory.Sdk(ns);
        var user = await sdk.CreateUserAsync(TestUsers.New());
        using var client = factory.SignedClient(ns);

        using var updated = await client.PutAsync(new Uri($"users/{user.Id}", UriKind.Relative), Json("""{"user_id": 424242, "guild_id": 777}"""));
        using var queried = await client.PostAsync(new Uri("users/query", UriKind.Relative), Json("""{"user_id": 424242, "guild_id": 777}"""));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(("424242", "777"), ((await sdk.GetUserAsync(user.Id)).UserId, (await sdk.GetUserAsync(user.Id)).GuildId));
        Assert.Equal(HttpStatusCode.OK, queried.StatusCode);
        var items = (await queried.Content.ReadFromJsonAsync<JsonObject>())!["data"]!["items"]!.AsArray();
        Assert.Equal([user.Id], items.Select(i => (string?)i!["id"]));
    }

    [Theory]
    [InlineData("user_id", "12.5")]
    [InlineData("user_id", "-1")]
    [InlineData("user_id", "1e3")]
    [InlineData("user_id", "1E3")]
    [InlineData("user_id", "true")]
    [InlineData("user_id", """{"id": 1}""")]
    [InlineData("guild_id", "[1]")]
    [InlineData("guild_id", "-0")]
    public async Task CreateUser_IdThatIsNotAWholeNumberOrString_Returns400NamingTheField(string field, string value)
    {
        var ns = DirectoryFactory.NewNamespace();
        using var client = factory.SignedClient(ns);
        var body = new JsonObject { ["user_id"] = 1, ["guild_id"] = 2, ["real_name"] = "A", ["email"] = $"a-{Guid.NewGuid():N}@example.com" };
        body[field] = JsonNode.Parse(value);

        using var response = await client.PostAsync(new Uri("users/", UriKind.Relative), Json(body.ToJsonString()));

        var error = await AssertBadRequest(response, "$." + field);
        Assert.Contains("non-negative whole number", error.Message, StringComparison.Ordinal);
        await AssertNamespaceEmpty(ns);
    }

    [Theory]
    [InlineData("""{"user_id": 1, "guild_id": }""", "$.guild_id")]
    [InlineData("""{"user_id": 1, "guild_id": 2""", "$.guild_id")]
    [InlineData("""{"user_id": 1 "guild_id": 2}""", "$")]
    [InlineData("""not json""", "$")]
    public async Task CreateUser_SyntaxError_Returns400NamingThePathAndPosition(string json, string path)
    {
        var ns = DirectoryFactory.NewNamespace();
        using var client = factory.SignedClient(ns);

        using var response = await client.PostAsync(new Uri("users/", UriKind.Relative), Json(json));

        var error = await AssertBadRequest(response, path);
        Assert.Matches(@"\(line 1, byte \d+\)$", error.Message);
        await AssertNamespaceEmpty(ns);
    }

    [Fact]
    public async Task WrongTypeElsewhere_AndTooDeep_Return400NamingThePath()
    {
        var ns = DirectoryFactory.NewNamespace();
        using var client = factory.SignedClient(ns);
        var deep = new StringBuilder().Insert(0, "[", 100).Append(new string(']', 100)).ToString();

        using var wrongType = await client.PostAsync(new Uri("users/", UriKind.Relative), Json("""{"user_id": "1", "guild_id": "2", "real_name": 5, "email": "a@b.co"}"""));
        using var tooDeep = await client.PostAsync(new Uri("users/", UriKind.Relative), Json("""{"user_id": "1", "guild_id": "2", "real_name": "A", "email": "a@b.co", "profile": {"x": """ + deep + "}}"));
        using var badRange = await client.PostAsync(new Uri("users/query", UriKind.Relative), Json("""{"created_at": {"from": "yesterday"}}"""));

        await AssertBadRequest(wrongType, "$.real_name");
        var depth = await AssertBadRequest(tooDeep, null);
        Assert.StartsWith("$.profile.x", depth.Field, StringComparison.Ordinal);
        Assert.Contains("depth", depth.Message, StringComparison.OrdinalIgnoreCase);
        await AssertBadRequest(badRange, "$.created_at.from");
        await AssertNamespaceEmpty(ns);
    }

    [Fact]
    public async Task BodyOverTheCap_Returns413_AndNullBody400()
    {
        var ns = DirectoryFactory.NewNamespace();
        using var client = factory.SignedClient(ns);
        var huge = new JsonObject { ["user_id"] = "1", ["guild_id"] = "2", ["real_name"] = "A", ["email"] = "a@b.co", ["profile"] = new JsonObject { ["x"] = new string('x', 70 * 1024) } }.ToJsonString();

        using var tooBig = await client.PostAsync(new Uri("users/", UriKind.Relative), Json(huge));
        using var nothing = await client.PostAsync(new Uri("users/", UriKind.Relative), Json("null"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        var error = (await tooBig.Content.ReadFromJsonAsync(Hit.Contracts.HitJsonContext.Default.DirectoryErrorResponse))!.Error;
        Assert.Equal(("payload_too_large", "body"), (error.Code, error.Field));
        await AssertBadRequest(nothing, "body");
        await AssertNamespaceEmpty(ns);
    }

    private static async Task<DirectoryError> AssertBadRequest(HttpResponseMessage response, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var body = System.Text.Json.JsonSerializer.Deserialize(text, Hit.Contracts.HitJsonContext.Default.DirectoryErrorResponse)!;
        Assert.False(body.Success);
        Assert.Equal("bad_request", body.Error.Code);
        if (field is not null)
        {
            Assert.Equal(field, body.Error.Field);
            Assert.StartsWith(field == "body" ? "A JSON " : field + ":", body.Error.Message, StringComparison.Ordinal);
        }

        return body.Error;
    }

    private async Task AssertNamespaceEmpty(string ns)
    {
        await using var sdk = factory.Sdk(ns);
        Assert.Empty((await sdk.ListUsersAsync()).Items);
    }
}
