using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.LocalHost.Invocation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;

namespace Hit.LocalHost.Http;

/// <summary>
/// JSON mode for HTTP (reference §3a): the request as <c>Data.&lt;trigger&gt;</c>
/// (HttpRequestExtensions.GetRequestAsJObject) and the response from <c>Outputs.res</c>.
/// </summary>
internal static class HttpEnvelope
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<(JsonObject Request, BindingData BindingData)> ReadRequestAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            query[key] = values.ToString();
        }

        var headers = new JsonObject();
        var headerStrings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Headers)
        {
            headers[key] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            headerStrings[key] = values.ToString();
        }

        var routeParams = new JsonObject();
        var bindingData = new BindingData();
        bindingData.Set("Query", query);
        bindingData.Set("Headers", headerStrings);
        foreach (var (key, value) in request.RouteValues)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            if (text is not null)
            {
                routeParams[key] = text;
                bindingData.Set(key, text);
            }
        }

        var queryObject = new JsonObject();
        foreach (var (key, value) in query)
        {
            queryObject[key] = value;
        }

        var data = new JsonObject
        {
            ["Url"] = request.GetDisplayUrl(),
            ["Method"] = request.Method,
            ["Query"] = queryObject,
            ["Headers"] = headers,
            ["Params"] = routeParams,
            ["Identities"] = new JsonArray(new JsonObject
            {
                ["AuthenticationType"] = null,
                ["IsAuthenticated"] = false,
                ["Actor"] = null,
                ["BootstrapContext"] = null,
                ["Claims"] = new JsonArray(),
                ["Label"] = null,
                ["Name"] = null,
                ["NameClaimType"] = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                ["RoleClaimType"] = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
            }),
        };

        // The host reads the body only when Content-Length > 0, so chunked bodies are dropped (reference §3a).
        if (request.ContentLength > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            var contentType = request.ContentType ?? string.Empty;
            var isBinary = contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
                || contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase);
            data["Body"] = isBinary
                ? Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length)
                : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        return (data, bindingData);
    }

    /// <summary>Writes <c>Outputs.&lt;http out&gt;</c>: statusCode/status, headers (ToString-ed), body (object → indented JSON).</summary>
    public static async Task WriteResponseAsync(HttpContext context, JsonNode? response, CancellationToken cancellationToken)
    {
        var outgoing = context.Response;
        if (response is not JsonObject res)
        {
            // No http output value: nothing to send back.
            outgoing.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var status = StatusCodes.Status200OK;
        var statusNode = res.FirstOrDefault(p => p.Key.Equals("statusCode", StringComparison.OrdinalIgnoreCase)).Value
            ?? res.FirstOrDefault(p => p.Key.Equals("status", StringComparison.OrdinalIgnoreCase)).Value;
        if (statusNode is JsonValue statusValue)
        {
            var text = statusValue.GetValueKind() == JsonValueKind.String ? statusValue.GetValue<string>() : statusValue.ToJsonString();
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                status = parsed;
            }
        }

        outgoing.StatusCode = status;
        outgoing.ContentType = "text/plain; charset=utf-8";
        if (res.FirstOrDefault(p => p.Key.Equals("headers", StringComparison.OrdinalIgnoreCase)).Value is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                outgoing.Headers[name] = value switch
                {
                    null => string.Empty,
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    _ => value.ToJsonString(),
                };
            }
        }

        var body = res.FirstOrDefault(p => p.Key.Equals("body", StringComparison.OrdinalIgnoreCase)).Value;
        var bodyText = body switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject or JsonArray => body.ToJsonString(Indented),
            _ => body.ToJsonString(),
        };
        if (bodyText is not null)
        {
            await outgoing.WriteAsync(bodyText, cancellationToken).ConfigureAwait(false);
        }
    }
}
