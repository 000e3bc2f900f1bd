using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hit.Contracts;
using Hit.Contracts.Resumes;
using Hit.Sdk.Http;

namespace Hit.Sdk.Resumes;

/// <summary>
/// Typed client of the resumes app. Every call needs an access token (<see cref="HitClientOptions.AccessTokenProvider"/>):
/// the owner of what you create is the token's user. Failures throw <see cref="HitApiException"/> with the ProblemDetails
/// <c>code</c> (<c>precondition_failed</c> when an <c>ifMatch</c> version is stale). Create is sent once; reads,
/// updates with a version and deletes are retried.
/// </summary>
public sealed class ResumesClient : HitServiceClient
{
    public ResumesClient(HttpClient http)
        : this(http, ownsHttpClient: false)
    {
    }

    private ResumesClient(HttpClient http, bool ownsHttpClient)
        : base(http, ownsHttpClient)
    {
    }

    public static ResumesClient Create(HitClientOptions options, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResumesClient(options.CreateHttpClient(primaryHandler), ownsHttpClient: true);
    }

    public async Task<ResumeResponse> CreateAsync(CreateResumeRequest resume, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ServiceCall.Relative("resumes"))
        {
            Content = ServiceCall.JsonBody(resume, HitJsonContext.Default.CreateResumeRequest),
        };
        return await ReadAsync(request, retrySafe: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ResumeResponse> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ServiceCall.Relative($"resumes/{ServiceCall.Segment(id)}"));
        return await ReadAsync(request, retrySafe: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes only the fields set in <paramref name="changes"/>. With <paramref name="ifMatch"/> (a resume's
    /// <see cref="ResumeResponse.ETag"/>) the change applies only to that version.
    /// </summary>
    public async Task<ResumeResponse> UpdateAsync(string id, UpdateResumeRequest changes, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ServiceCall.Relative($"resumes/{ServiceCall.Segment(id)}"))
        {
            Content = ServiceCall.JsonBody(changes, HitJsonContext.Default.UpdateResumeRequest),
        };
        AddIfMatch(request, ifMatch);
        return await ReadAsync(request, retrySafe: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unlinks the resume's attachment (the file itself stays in the Files app).</summary>
    public async Task<ResumeResponse> RemoveAttachmentAsync(string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ServiceCall.Relative($"resumes/{ServiceCall.Segment(id)}"))
        {
            Content = new ByteArrayContent("{\"attachment_file_id\":null}"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        AddIfMatch(request, ifMatch);
        return await ReadAsync(request, retrySafe: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, ServiceCall.Relative($"resumes/{ServiceCall.Segment(id)}"));
        AddIfMatch(request, ifMatch);
        using var response = await SendAsync(request, retrySafe: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The resumes you may read (yours and published ones), newest first; <paramref name="skill"/> filters.</summary>
    public Task<ResumePage> ListAsync(string? skill = null, int? pageSize = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        PageAsync("resumes", skill, pageSize, cursor, cancellationToken);

    /// <summary>One user's resumes: all of yours, or another user's published ones.</summary>
    public Task<ResumePage> ListByUserAsync(string userId, string? skill = null, int? pageSize = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        PageAsync($"resumes/user/{ServiceCall.Segment(userId)}", skill, pageSize, cursor, cancellationToken);

    private async Task<ResumePage> PageAsync(string path, string? skill, int? pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (skill is not null)
        {
            query.Add("skill=" + Uri.EscapeDataString(skill));
        }

        if (pageSize is { } size)
        {
            query.Add("page_size=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, ServiceCall.Relative(query.Count == 0 ? path : path + "?" + string.Join('&', query)));
        using var response = await SendAsync(request, retrySafe: true, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(HitJsonContext.Default.ResumePage, cancellationToken).ConfigureAwait(false)
            ?? throw new HitApiException(response.StatusCode, "invalid_response", "The service answered success without a body.");
    }

    private async Task<ResumeResponse> ReadAsync(HttpRequestMessage request, bool retrySafe, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, retrySafe, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(HitJsonContext.Default.ResumeResponse, cancellationToken).ConfigureAwait(false)
            ?? throw new HitApiException(response.StatusCode, "invalid_response", "The service answered success without a body.");
    }

    private static void AddIfMatch(HttpRequestMessage request, string? ifMatch)
    {
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
    }
}
