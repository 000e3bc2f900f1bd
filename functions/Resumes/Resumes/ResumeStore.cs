using System.Net;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Resumes.Resumes;

/// <summary>What a reader may list: everything the caller owns plus what others published.</summary>
internal sealed record ResumeListing(string? OwnerId, string? Skill, int PageSize, string? Cursor);

/// <summary>
/// Resume persistence. Each write is one single-document operation (create, ETag-conditional replace, ETag-conditional
/// delete), so nothing is ever half-written and no concurrent update is lost.
/// </summary>
internal sealed class ResumeStore(HitContainer resumes)
{
    public async Task<ResumeDocument> CreateAsync(ResumeDocument document, CancellationToken cancellationToken)
    {
        var container = await resumes.GetContainerAsync(cancellationToken);
        var response = await container.CreateItemAsync(document, new PartitionKey(document.Pk), cancellationToken: cancellationToken);
        return response.Resource with { ETag = response.ETag };
    }

    public async Task<ResumeDocument?> GetAsync(string ns, string id, CancellationToken cancellationToken)
    {
        var container = await resumes.GetContainerAsync(cancellationToken);
        var document = await container.ReadItemOrDefaultAsync<ResumeDocument>(id, ResumeKeys.Pk(ns), cancellationToken);
        return document is { Type: ResumeDocument.DocumentType } ? document : null;
    }

    /// <summary>Replaces the version <paramref name="etag"/> names; a newer version → <see cref="WriteOutcome.PreconditionFailed"/>.</summary>
    public async Task<WriteResult<ResumeDocument>> ReplaceAsync(ResumeDocument document, string etag, CancellationToken cancellationToken)
    {
        var container = await resumes.GetContainerAsync(cancellationToken);
        return await container.ReplaceIfMatchAsync(document, etag, cancellationToken);
    }

    public async Task<WriteOutcome> DeleteAsync(string ns, string id, string etag, CancellationToken cancellationToken)
    {
        var container = await resumes.GetContainerAsync(cancellationToken);
        try
        {
            await container.DeleteItemAsync<ResumeDocument>(id, new PartitionKey(ResumeKeys.Pk(ns)), new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
            return WriteOutcome.Applied;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return WriteOutcome.PreconditionFailed;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return WriteOutcome.NotFound;
        }
    }

    /// <summary>
    /// Newest first (id order: ids are version-7 GUIDs, so creation order), over continuation tokens. The visibility rule
    /// is part of the query, so a page never carries a resume the caller may not read.
    /// </summary>
    public async Task<Page<ResumeDocument>> ListAsync(string ns, string caller, ResumeListing listing, CancellationToken cancellationToken)
    {
        var container = await resumes.GetContainerAsync(cancellationToken);
        var sql = "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND (c.published = true OR c.ownerId = @caller)";
        var parameters = new List<(string Name, object Value)>
        {
            ("@pk", ResumeKeys.Pk(ns)), ("@type", ResumeDocument.DocumentType), ("@caller", caller),
        };
        if (listing.OwnerId is not null)
        {
            sql += " AND c.ownerId = @owner";
            parameters.Add(("@owner", listing.OwnerId));
        }

        if (listing.Skill is not null)
        {
            sql += " AND ARRAY_CONTAINS(c.skillKeys, @skill)";
            parameters.Add(("@skill", ResumeInput.SkillKey(listing.Skill)));
        }

        var definition = new QueryDefinition(sql + " ORDER BY c.id DESC");
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        return await container.QueryPageAsync<ResumeDocument>(definition, ResumeKeys.Pk(ns), listing.PageSize, listing.Cursor, cancellationToken);
    }
}
