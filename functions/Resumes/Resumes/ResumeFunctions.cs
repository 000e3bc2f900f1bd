using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Hit.Contracts.Resumes;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Cosmos;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Hit.Resumes.Attachments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Hit.Platform.Http;

namespace Hit.Resumes.Resumes;

/// <summary>
/// The resume API. Every function needs a Hit access token: the owner of a new resume is the token's subject and the
/// namespace is the token's. Others read a resume only once its owner published it; only the owner changes it.
/// </summary>
internal sealed partial class ResumeFunctions(ResumeStore store, FilesAttachments attachments, TimeProvider time, ILogger<ResumeFunctions> logger)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    // Lost races (If-Match not sent) are re-applied on the newer version, after a short jittered pause so the writers
    // spread out; more than this many lost in a row is a hot spot, answered 409.
    private const int MaxWriteAttempts = 10;

    [Function(nameof(CreateResume))]
    public async Task<IResult> CreateResume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "resumes")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        var (fields, problem) = await ResumeInput.ReadAsync(request, create: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (fields!.UserId is { } claimed && !string.Equals(claimed, user.Id, StringComparison.Ordinal))
        {
            // The seed sends user_id; the owner is whoever the token says, so a different id is refused, not obeyed.
            return Problems.Create(StatusCodes.Status403Forbidden, ResumeProblemCodes.UserMismatch,
                "'user_id' must be your own user id (the subject of your access token), or left out.", "user_id");
        }

        if (fields.AttachmentFileId is { } fileId && await CheckAttachmentAsync(fileId, request, ns, cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var skills = fields.Skills ?? [];
        var document = new ResumeDocument
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Pk = ResumeKeys.Pk(ns.Value),
            Ns = ns.Value,
            OwnerId = user.Id,
            Title = fields.Title!,
            Summary = fields.Summary ?? "",
            Skills = skills,
            SkillKeys = ResumeInput.SkillKeys(skills),
            Experience = fields.Experience ?? "",
            Education = fields.Education ?? "",
            Published = fields.Published ?? false,
            AttachmentFileId = fields.AttachmentFileId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var created = await store.CreateAsync(document, cancellationToken);
        Log.Created(logger, ns.Value, created.Id);
        return new ResumeResult(StatusCodes.Status201Created, created.ToResponse(), PublicAddress.PathFor(request, $"/resumes/{created.Id}"));
    }

    [Function(nameof(GetResume))]
    public async Task<IResult> GetResume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "resumes/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        return await FindVisibleAsync(ns, id, user, cancellationToken) is { } resume
            ? new ResumeResult(StatusCodes.Status200OK, resume.ToResponse())
            : NotFound(id);
    }

    [Function(nameof(ListResumes))]
    public async Task<IResult> ListResumes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "resumes")] HttpRequest request,
        TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        return await ListAsync(request, ns, user, ownerId: null, cancellationToken);
    }

    [Function(nameof(ListUserResumes))]
    public async Task<IResult> ListUserResumes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "resumes/user/{user_id}")] HttpRequest request,
        string user_id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        return await ListAsync(request, ns, user, ownerId: user_id, cancellationToken);
    }

    [Function(nameof(UpdateResume))]
    public async Task<IResult> UpdateResume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "resumes/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        if (!TryReadIfMatch(request, out var ifMatch, out var badIfMatch))
        {
            return badIfMatch;
        }

        var (fields, problem) = await ResumeInput.ReadAsync(request, create: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var attachmentChecked = false;
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await FindVisibleAsync(ns, id, user, cancellationToken);
            if (current is null)
            {
                return NotFound(id);
            }

            if (current.OwnerId != user.Id)
            {
                return NotOwner();
            }

            if (ifMatch is not null && !ETags.Matches(ifMatch, current.ETag))
            {
                return Stale(current);
            }

            // Checked once, and only when the link changes: an unchanged attachment was checked when it was set.
            if (!attachmentChecked && fields!.AttachmentFileId is { } fileId && fileId != current.AttachmentFileId)
            {
                if (await CheckAttachmentAsync(fileId, request, ns, cancellationToken) is { } refused)
                {
                    return refused;
                }

                attachmentChecked = true;
            }

            var result = await store.ReplaceAsync(current.With(fields!, time.GetUtcNow()), current.ETag!, cancellationToken);
            switch (result.Outcome)
            {
                case WriteOutcome.Applied:
                    return new ResumeResult(StatusCodes.Status200OK, result.Document!.ToResponse());
                case WriteOutcome.NotFound:
                    return NotFound(id);
                case WriteOutcome.PreconditionFailed when ifMatch is not null:
                    // The client named a version and someone else wrote a newer one between our read and our write.
                    return Stale(await store.GetAsync(ns.Value, id, cancellationToken));
            }

            Log.Retried(logger, ns.Value, id, attempt + 1);
            await Backoff(attempt, cancellationToken);
        }

        return Busy();
    }

    [Function(nameof(DeleteResume))]
    public async Task<IResult> DeleteResume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "resumes/{id}")] HttpRequest request,
        string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(request, out var user, out var refusal))
        {
            return refusal;
        }

        if (!TryReadIfMatch(request, out var ifMatch, out var badIfMatch))
        {
            return badIfMatch;
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await FindVisibleAsync(ns, id, user, cancellationToken);
            if (current is null)
            {
                return NotFound(id);
            }

            if (current.OwnerId != user.Id)
            {
                return NotOwner();
            }

            if (ifMatch is not null && !ETags.Matches(ifMatch, current.ETag))
            {
                return Stale(current);
            }

            switch (await store.DeleteAsync(ns.Value, id, current.ETag!, cancellationToken))
            {
                case WriteOutcome.Applied:
                    Log.Deleted(logger, ns.Value, id);
                    return TypedResults.NoContent();
                case WriteOutcome.NotFound:
                    return NotFound(id);
                case WriteOutcome.PreconditionFailed when ifMatch is not null:
                    return Stale(await store.GetAsync(ns.Value, id, cancellationToken));
            }

            await Backoff(attempt, cancellationToken);
        }

        return Busy();
    }

    private async Task<IResult> ListAsync(HttpRequest request, TenantNamespace ns, HitUser user, string? ownerId, CancellationToken cancellationToken)
    {
        var pageSize = DefaultPageSize;
        if (request.Query["page_size"] is { Count: > 0 } sizes
            && (!int.TryParse(sizes[0], NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return Problems.BadRequest("page_size", $"'page_size' must be a whole number from 1 to {MaxPageSize}.");
        }

        string? skill = null;
        if (request.Query["skill"] is { Count: > 0 } skills)
        {
            skill = skills[0]!.Trim();
            if (skill.Length is 0 or > ResumeInput.MaxSkillLength)
            {
                return Problems.BadRequest("skill", $"'skill' must be 1–{ResumeInput.MaxSkillLength} characters.");
            }
        }

        var cursor = request.Query["cursor"].ToString();
        try
        {
            var page = await store.ListAsync(ns.Value, user.Id, new ResumeListing(ownerId, skill, pageSize, cursor.Length == 0 ? null : cursor), cancellationToken);
            return TypedResults.Ok(new ResumePage(page.Items.Select(r => r.ToResponse()).ToList(), page.NextCursor));
        }
        catch (InvalidCursorException)
        {
            return Problems.BadRequest("cursor", "The cursor is invalid or belongs to another listing; start again without it.", ResumeProblemCodes.InvalidCursor);
        }
    }

#pragma warning disable CA5394 // Jitter, not security.
    private static Task Backoff(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * (attempt + 1))), cancellationToken);
#pragma warning restore CA5394

    /// <summary>The resume if the caller may read it: the owner always, anyone in the namespace once it is published.</summary>
    private async Task<ResumeDocument?> FindVisibleAsync(TenantNamespace ns, string id, HitUser user, CancellationToken cancellationToken)
    {
        if (!ResumeId().IsMatch(id))
        {
            return null;
        }

        var resume = await store.GetAsync(ns.Value, id, cancellationToken);
        return resume is not null && (resume.Published || resume.OwnerId == user.Id) ? resume : null;
    }

    private async Task<ProblemHttpResult?> CheckAttachmentAsync(string fileId, HttpRequest request, TenantNamespace ns, CancellationToken cancellationToken) =>
        await attachments.CheckAsync(fileId, request, ns, cancellationToken) switch
        {
            AttachmentCheck.Ok => null,
            AttachmentCheck.NotFound => Problems.BadRequest("attachment_file_id", $"No file '{fileId}' in your namespace.", ResumeProblemCodes.AttachmentNotFound),
            AttachmentCheck.NotPdf => Problems.BadRequest("attachment_file_id", "The attachment must be a PDF.", ResumeProblemCodes.AttachmentNotPdf),
            AttachmentCheck.Disabled => Problems.BadRequest("attachment_file_id", "Attachments are not configured for this deployment (Resumes:FilesBaseUrl).", ResumeProblemCodes.AttachmentsDisabled),
            _ => Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.DependencyUnavailable, "The Files app could not be asked about the attachment; try again.", "attachment_file_id"),
        };

    private static bool TryReadIfMatch(HttpRequest request, out string? ifMatch, out ProblemHttpResult problem)
    {
        problem = null!;
        ifMatch = request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString().Trim();
        if (ifMatch is { Length: 0 } || (ifMatch is not null && ifMatch != "*" && !ifMatch.StartsWith('"') && !ifMatch.StartsWith("W/\"", StringComparison.Ordinal)))
        {
            problem = Problems.BadRequest("If-Match", "If-Match must be an entity tag (\"…\", from the ETag header) or *.");
            return false;
        }

        return true;
    }

    private static ProblemHttpResult NotFound(string id) =>
        Problems.NotFound($"No resume '{(id.Length > 64 ? id[..64] : id)}' that you can read.", ResumeProblemCodes.ResumeNotFound);

    private static ProblemHttpResult NotOwner() =>
        Problems.Create(StatusCodes.Status403Forbidden, ResumeProblemCodes.NotOwner, "Only the resume's owner can change or delete it.");

    private static IResult Stale(ResumeDocument? current) =>
        current is null
            ? Problems.NotFound("The resume was deleted.", ResumeProblemCodes.ResumeNotFound)
            : new ETagProblem(Problems.Create(StatusCodes.Status412PreconditionFailed, ProblemCodes.PreconditionFailed,
                "The resume changed since that version (If-Match); read it again and reapply your change.", "If-Match"), current.ETag);

    private static ProblemHttpResult Busy() =>
        Problems.Create(StatusCodes.Status409Conflict, ResumeProblemCodes.ConcurrentUpdates, "The resume is being changed by many requests at once; try again.");

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResumeId();

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Created resume {ResumeId} in {Namespace}")]
        public static partial void Created(ILogger logger, string @namespace, string resumeId);

        [LoggerMessage(11, LogLevel.Information, "Deleted resume {ResumeId} in {Namespace}")]
        public static partial void Deleted(ILogger logger, string @namespace, string resumeId);

        [LoggerMessage(12, LogLevel.Debug, "Resume {ResumeId} in {Namespace} changed under an update; re-applied (attempt {Attempt})")]
        public static partial void Retried(ILogger logger, string @namespace, string resumeId, int attempt);
    }
}

/// <summary>A resume with its version in the <c>ETag</c> header (and, for a create, its <c>Location</c>).</summary>
internal sealed class ResumeResult(int status, ResumeResponse resume, string? location = null) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = status;
        httpContext.Response.Headers.ETag = ETags.Header(resume.ETag);
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }

        return httpContext.Response.WriteAsJsonAsync(resume, Hit.Contracts.HitJsonContext.Default.ResumeResponse);
    }
}

/// <summary>A 412 that carries the current version, so the client can re-read knowingly.</summary>
internal sealed class ETagProblem(ProblemHttpResult problem, string? etag) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (etag is not null)
        {
            httpContext.Response.Headers.ETag = ETags.Header(etag);
        }

        return problem.ExecuteAsync(httpContext);
    }
}

/// <summary>Cosmos ETags as HTTP entity tags: the service's value is already a quoted string; a bare one is quoted.</summary>
internal static class ETags
{
    public static string Header(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    /// <summary>RFC 9110 If-Match: <c>*</c> or a list; weak tags never match (strong comparison).</summary>
    public static bool Matches(string ifMatch, string? current)
    {
        if (current is null)
        {
            return false;
        }

        if (ifMatch == "*")
        {
            return true;
        }

        var header = Header(current);
        return ifMatch.Split(',').Select(t => t.Trim()).Any(t => !t.StartsWith("W/", StringComparison.Ordinal) && string.Equals(t, header, StringComparison.Ordinal));
    }
}
