using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Hit.Platform.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hit.Resumes.Attachments;

/// <summary>Where the Files app is (<c>Resumes:FilesBaseUrl</c>, e.g. the gateway's <c>/files/</c>); unset = attachments off.</summary>
internal sealed class AttachmentOptions
{
    public const string Section = "Resumes";

    public Uri? FilesBaseUrl { get; set; }
}

internal enum AttachmentCheck
{
    Ok,
    NotFound,
    NotPdf,
    Disabled,
    Unavailable,
}

/// <summary>
/// Checks a linked file through the Files app's own API with the caller's credentials: the caller's access token (and
/// its namespace as <c>X-Hit-Namespace</c>), so the Files app answers only for a file in the caller's namespace — the
/// same answer the caller would get: the caller's own file, or one its owner made public, in the caller's namespace (the
/// Files app records each file's owner). A PDF is what the sniffed <c>content_type</c> says, never the client's claim.
/// </summary>
internal sealed partial class FilesAttachments(HttpClient http, IOptions<AttachmentOptions> options, ILogger<FilesAttachments> logger)
{
    public const string HttpClientName = "files";

    public async Task<AttachmentCheck> CheckAsync(string fileId, HttpRequest caller, TenantNamespace ns, CancellationToken cancellationToken)
    {
        if (options.Value.FilesBaseUrl is not { } baseUrl)
        {
            return AttachmentCheck.Disabled;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "files/" + Uri.EscapeDataString(fileId)));
        if (AuthenticationHeaderValue.TryParse(caller.Headers.Authorization.ToString(), out var authorization))
        {
            request.Headers.Authorization = authorization;
        }

        request.Headers.Add(TenantNamespace.HeaderName, ns.Value);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                return AttachmentCheck.NotFound;
            }

            if (!response.IsSuccessStatusCode)
            {
                Log.FilesFailed(logger, (int)response.StatusCode);
                return AttachmentCheck.Unavailable;
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return body.RootElement.TryGetProperty("content_type", out var type) && type.ValueKind == JsonValueKind.String
                && string.Equals(type.GetString(), "application/pdf", StringComparison.OrdinalIgnoreCase)
                ? AttachmentCheck.Ok
                : AttachmentCheck.NotPdf;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.FilesUnreachable(logger, ex);
            return AttachmentCheck.Unavailable;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "The Files app answered {Status} when an attachment was checked")]
        public static partial void FilesFailed(ILogger logger, int status);

        [LoggerMessage(21, LogLevel.Warning, "The Files app could not be reached to check an attachment")]
        public static partial void FilesUnreachable(ILogger logger, Exception exception);
    }
}

internal static class AttachmentServices
{
    public static IServiceCollection AddAttachments(this IServiceCollection services)
    {
        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section)
            .Validate(o => o.FilesBaseUrl is null || (o.FilesBaseUrl.IsAbsoluteUri && o.FilesBaseUrl.Scheme is "http" or "https" && o.FilesBaseUrl.AbsolutePath.EndsWith('/')),
                "Resumes:FilesBaseUrl must be an absolute http(s) URL ending in '/' (the Files app's root, e.g. https://gateway/files/).")
            .ValidateOnStart();
        services.AddHttpClient<FilesAttachments>(FilesAttachments.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        return services;
    }
}
