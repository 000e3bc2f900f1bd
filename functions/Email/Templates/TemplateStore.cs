using System.Text.Json.Serialization;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Email.Templates;

/// <summary>A namespace's template, in its own partition (<c>ns|template|name</c>).</summary>
internal sealed record TemplateDocument : CosmosDocument
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("subject")]
    public required string Subject { get; init; }

    [JsonPropertyName("html")]
    public string? Html { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; init; }

    public TemplateParts Parts => new(Subject, Html, Text);

    public static string IdFor(string name) => CosmosKeys.Id("template", name);

    public static string PkFor(string ns, string name) => CosmosKeys.Pk(ns, "template", name);
}

/// <summary>Templates per namespace; a name without a stored template falls back to <see cref="BuiltInTemplates"/>.</summary>
internal sealed class TemplateStore(HitContainer store, TimeProvider time)
{
    public async Task<TemplateDocument?> FindStoredAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return await container.ReadItemOrDefaultAsync<TemplateDocument>(TemplateDocument.IdFor(name), TemplateDocument.PkFor(ns, name), cancellationToken);
    }

    /// <summary>The stored template, else the built-in one, else null.</summary>
    public async Task<(TemplateParts Parts, bool BuiltIn, DateTimeOffset? UpdatedAt)?> ResolveAsync(string ns, string name, CancellationToken cancellationToken)
    {
        if (await FindStoredAsync(ns, name, cancellationToken) is { } stored)
        {
            return (stored.Parts, false, stored.UpdatedAt);
        }

        return BuiltInTemplates.All.TryGetValue(name, out var builtIn) ? (builtIn, true, null) : null;
    }

    public async Task<WriteOutcome> CreateAsync(string ns, string name, TemplateParts parts, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return (await container.TryCreateItemAsync(Document(ns, name, parts), cancellationToken)).Outcome;
    }

    public async Task<TemplateDocument> UpsertAsync(string ns, string name, TemplateParts parts, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var document = Document(ns, name, parts);
        return (await container.UpsertItemAsync(document, new PartitionKey(document.Pk), cancellationToken: cancellationToken)).Resource;
    }

    public async Task<bool> DeleteAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        try
        {
            await container.DeleteItemAsync<TemplateDocument>(TemplateDocument.IdFor(name), new PartitionKey(TemplateDocument.PkFor(ns, name)), cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private TemplateDocument Document(string ns, string name, TemplateParts parts) => new()
    {
        Id = TemplateDocument.IdFor(name),
        Pk = TemplateDocument.PkFor(ns, name),
        Ns = ns,
        Name = name,
        Subject = parts.Subject,
        Html = parts.Html,
        Text = parts.Text,
        UpdatedAt = time.GetUtcNow(),
        // The container has TTL on without a default (deliveries expire); templates never do.
        Ttl = -1,
    };
}
