using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hit.Platform.Errors;
using Microsoft.Net.Http.Headers;

namespace Hit.Files.Access;

/// <summary>
/// Streams a blob to the client with HTTP caching and range semantics (RFC 9110 §13–14): a strong ETag (the
/// blob's), <c>If-None-Match</c> → 304, a single <c>Range: bytes=…</c> → 206 with <c>Content-Range</c>, an
/// unsatisfiable one → 416, <c>If-Range</c> honoured. The byte range is read from storage pinned to the ETag, so a
/// blob replaced mid-request fails instead of mixing two versions.
/// </summary>
internal sealed class BlobStreamResult(BlobClient blob, string contentType, string downloadName, bool inline) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            await Problems.Write(http, StatusCodes.Status404NotFound, FileProblemCodes.FileNotFound, "The stored content is gone.");
            return;
        }

        var etag = properties.ETag.ToString("H");
        var response = http.Response;
        var request = http.Request;
        response.Headers.ETag = etag;
        response.Headers.LastModified = properties.LastModified.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "private, max-age=60";
        response.Headers.XContentTypeOptions = "nosniff";
        // Anything that is not a plain raster image (SVG, HTML, …) is a download, never rendered in our origin.
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment")
        {
            FileNameStar = downloadName,
        }.ToString();

        if (IfNoneMatches(request, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var length = properties.ContentLength;
        var range = RangeFor(request, etag, length, out var unsatisfiable);
        if (unsatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{length}";
            await Problems.Write(http, StatusCodes.Status416RangeNotSatisfiable, FileProblemCodes.RangeNotSatisfiable,
                $"The range is outside the {length} bytes of the content.", "Range");
            return;
        }

        response.ContentType = contentType;
        if (length == 0)
        {
            response.ContentLength = 0;
            return;
        }

        var (from, to) = range ?? (0, length - 1);
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(from, to - from + 1),
            Conditions = new BlobRequestConditions { IfMatch = properties.ETag },
        };
        using var download = (await blob.DownloadStreamingAsync(options, cancellationToken)).Value;
        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {from}-{to}/{length}";
        }

        response.ContentLength = to - from + 1;
        await download.Content.CopyToAsync(response.Body, cancellationToken);
    }

    private static bool IfNoneMatches(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Weak comparison, as If-None-Match requires.
                if (candidate == "*" || candidate.TrimStart('W', '/') == etag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>One <c>bytes=</c> range, or null for the whole content (no header, several ranges, or a stale If-Range).</summary>
    internal static (long From, long To)? RangeFor(HttpRequest request, string etag, long length, out bool unsatisfiable)
    {
        unsatisfiable = false;
        var header = request.Headers.Range.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var ifRange = request.Headers.IfRange.ToString();
        if (ifRange.Length > 0 && ifRange != etag)
        {
            return null;
        }

        if (!RangeHeaderValue.TryParse(header, out var parsed) || !string.Equals(parsed.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
            || parsed.Ranges.Count != 1)
        {
            // Several ranges would need multipart/byteranges; serving the whole content is the permitted fallback.
            return null;
        }

        var item = parsed.Ranges.First();
        long from, to;
        if (item.From is { } start)
        {
            from = start;
            to = Math.Min(item.To ?? length - 1, length - 1);
        }
        else if (item.To is { } suffix && suffix > 0)
        {
            from = Math.Max(0, length - suffix);
            to = length - 1;
        }
        else
        {
            unsatisfiable = true;
            return null;
        }

        if (from >= length || from > to)
        {
            unsatisfiable = true;
            return null;
        }

        return (from, to);
    }
}
