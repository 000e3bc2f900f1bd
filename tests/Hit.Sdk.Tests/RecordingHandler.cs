using System.Net;
using System.Text;

namespace Hit.Sdk.Tests;

/// <summary>The wire: records every request (with a copy of its headers and body) and answers from a script.</summary>
internal sealed class RecordingHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, Dictionary<string, string> Headers, string Body)> Seen { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Seen.Add((request, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), body));
        var answer = answers[Math.Min(Seen.Count - 1, answers.Length - 1)];
        return answer(request);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static Func<HttpRequestMessage, HttpResponseMessage> Answer(HttpStatusCode status, string json) => _ => Json(status, json);
}
