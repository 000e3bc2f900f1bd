using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Auth.Tests;

internal static class TestHelpers
{
    public static async Task<JsonObject> Json(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>Asserts a ProblemDetails response with the given status, code and (optionally) field.</summary>
    public static async Task<JsonObject> AssertProblem(this HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, (string?)problem["code"]);
        if (field is not null)
        {
            Assert.Equal(field, (string?)problem["field"]);
        }

        return problem;
    }

    public static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");
}
