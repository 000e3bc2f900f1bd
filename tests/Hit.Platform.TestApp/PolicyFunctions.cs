using System.Text.Json.Serialization;
using Hit.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Platform.TestApp;

/// <summary>The platform's request policy as an app meets it: JSON bodies, body caps, links behind the gateway.</summary>
internal sealed class PolicyFunctions
{
    /// <summary>Reads a JSON body with the platform reader and echoes it (the default 64 KiB cap).</summary>
    [Function(nameof(Echo))]
    public static async Task<IResult> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "put", Route = "echo")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync(request, TestJsonContext.Default.EchoBody, cancellationToken);
        return error is not null ? error.ToProblem() : TypedResults.Ok(body);
    }

    /// <summary>Counts a raw body under a declared cap of 256 KiB (no JSON reader: the platform alone enforces it).</summary>
    [Function(nameof(Count))]
    [RequestBodyLimit(256 * 1024)]
    public static async Task<IResult> Count(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "count")] HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return TypedResults.Ok(new CountResponse(total));
    }

    /// <summary>A created resource's address as the client must follow it.</summary>
    [Function(nameof(Link))]
    public static IResult Link(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "things")] HttpRequest request) =>
        TypedResults.Created(PublicAddress.PathFor(request, "/things/1"), new CountResponse(1));
}

internal sealed record EchoBody(string? Name, IReadOnlyList<EchoItem>? Items);

internal sealed record EchoItem(int Count);

internal sealed record CountResponse(long Bytes);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EchoBody))]
[JsonSerializable(typeof(CountResponse))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
