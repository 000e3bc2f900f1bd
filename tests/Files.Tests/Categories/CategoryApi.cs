using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hit.Contracts;
using Hit.Contracts.Files;

namespace Hit.Files.Tests.Categories;

/// <summary>The category endpoints over HTTP for one namespace, asserting the status of every call that must succeed.</summary>
internal sealed class CategoryApi(HttpClient http)
{
    public HttpClient Http => http;

    public Task<HttpResponseMessage> PostAsync(string? title, string? parentId = null) =>
        http.PostAsJsonAsync("/categories", new CreateCategoryRequest(title, parentId), HitJsonContext.Default.CreateCategoryRequest);

    public Task<HttpResponseMessage> PutAsync(string id, string? title, string? parentId = null) =>
        http.PutAsJsonAsync($"/categories/{id}", new UpdateCategoryRequest(title, parentId), HitJsonContext.Default.UpdateCategoryRequest);

    public async Task<CategoryResponse> CreateAsync(string title, string? parentId = null) =>
        await ReadAsync(await PostAsync(title, parentId), HttpStatusCode.Created);

    public async Task<CategoryResponse> UpdateAsync(string id, string title, string? parentId = null) =>
        await ReadAsync(await PutAsync(id, title, parentId), HttpStatusCode.OK);

    public async Task<CategoryResponse> GetAsync(string id) =>
        await ReadAsync(await http.GetAsync($"/categories/{id}"), HttpStatusCode.OK);

    public async Task<IReadOnlyList<CategoryResponse>> ListAsync(bool tree = false)
    {
        var response = await http.GetAsync(tree ? "/categories?tree=true" : "/categories");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.CategoryListResponse))!.Items;
    }

    /// <summary>A chain root → … of <paramref name="length"/> categories; returns them top-down.</summary>
    public async Task<List<CategoryResponse>> ChainAsync(string prefix, int length, string? parentId = null)
    {
        var chain = new List<CategoryResponse>();
        for (var i = 0; i < length; i++)
        {
            chain.Add(await CreateAsync($"{prefix}{i}", parentId));
            parentId = chain[^1].Id;
        }

        return chain;
    }

    public static async Task<CategoryResponse> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.CategoryResponse))!;
    }

    /// <summary>Asserts a ProblemDetails response and returns its <c>code</c> and <c>field</c>.</summary>
    public static async Task<(string? Code, string? Field)> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        return (problem["code"]?.GetValue<string>(), problem["field"]?.GetValue<string>());
    }
}
