using System.Text.Json.Serialization;
using Hit.Contracts.Email;
using Hit.Platform.Cosmos;

namespace Hit.Email.Deliveries;

/// <summary>
/// One mail's delivery record, in its own partition (<c>ns|delivery|id</c>) — the state machine the queue consumer
/// drives (queued → sending → sent | retrying → … | failed). Mails from <c>POST /emails</c> carry their rendered
/// content here; mails the auth app queued do not (their data holds a one-time secret, which stays in the queue
/// message only) and are rendered from the message at each attempt.
/// </summary>
internal sealed record DeliveryDocument : CosmosDocument
{
    [JsonPropertyName("deliveryId")]
    public required string DeliveryId { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("to")]
    public required string To { get; init; }

    [JsonPropertyName("template")]
    public string? Template { get; init; }

    [JsonPropertyName("subject")]
    public string? Subject { get; init; }

    [JsonPropertyName("html")]
    public string? Html { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    [JsonPropertyName("provider")]
    public string? Provider { get; init; }

    [JsonPropertyName("providerMessageId")]
    public string? ProviderMessageId { get; init; }

    [JsonPropertyName("sendingSince")]
    public DateTimeOffset? SendingSince { get; init; }

    [JsonPropertyName("nextAttemptAt")]
    public DateTimeOffset? NextAttemptAt { get; init; }

    [JsonPropertyName("lastError")]
    public string? LastError { get; init; }

    [JsonPropertyName("failureCode")]
    public string? FailureCode { get; init; }

    [JsonPropertyName("failureReason")]
    public string? FailureReason { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("sentAt")]
    public DateTimeOffset? SentAt { get; init; }

    public bool IsFinal => State is EmailStates.Sent or EmailStates.Failed;

    public static string IdFor(string deliveryId) => CosmosKeys.Id("delivery", deliveryId);

    public static string PkFor(string ns, string deliveryId) => CosmosKeys.Pk(ns, "delivery", deliveryId);

    public EmailResponse ToResponse() => new(DeliveryId, Ns, State, To, Template, Attempts, Provider, ProviderMessageId,
        State == EmailStates.Retrying ? NextAttemptAt : null, FailureCode, FailureReason, CreatedAt, UpdatedAt, SentAt);
}

/// <summary>
/// The email app's own message on the <c>email</c> queue (next to the auth app's <c>AuthEmailMessage</c> v1, told
/// apart by <c>kind</c>): "deliver this record". Version 1; unknown versions are poison.
/// </summary>
internal sealed record DeliveryMessage(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("deliveryId")] string DeliveryId,
    [property: JsonPropertyName("namespace")] string Namespace)
{
    public const int CurrentVersion = 1;
    public const string DeliveryKind = "delivery";
}

[JsonSerializable(typeof(DeliveryDocument))]
[JsonSerializable(typeof(Templates.TemplateDocument))]
[JsonSerializable(typeof(DeliveryMessage))]
internal sealed partial class EmailDocumentsJsonContext : JsonSerializerContext;
