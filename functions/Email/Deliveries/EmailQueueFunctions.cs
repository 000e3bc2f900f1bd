using System.Text.Json;
using System.Text.RegularExpressions;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.Contracts.Email;
using Hit.Email.Templates;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Email.Deliveries;

/// <summary>A queue message no version of this app can ever process: the host retries it, then moves it to <c>email-poison</c>.</summary>
internal sealed class PoisonMessageException(string message) : Exception(message);

/// <summary>The consumer of the <c>email</c> queue: the auth app's <see cref="AuthEmailMessage"/> v1 and this app's <see cref="DeliveryMessage"/> v1.</summary>
internal sealed partial class EmailQueueFunctions(DeliveryStore deliveries, DeliveryProcessor processor, TemplateStore templates, TemplateRenderer renderer, TimeProvider time)
{
    [Function(nameof(DeliverEmail))]
    public async Task DeliverEmail([QueueTrigger("%Email:Queue%", Connection = EmailQueue.Connection)] string message, CancellationToken cancellationToken)
    {
        switch (Parse(message))
        {
            case DeliveryMessage delivery:
                if (await deliveries.FindAsync(delivery.Namespace, delivery.DeliveryId, cancellationToken) is not { } record)
                {
                    // Expired (TTL) or withdrawn: nothing to send.
                    return;
                }

                await processor.RunAsync(record, message, _ => Task.FromResult<(RenderedEmail?, string?)>(
                    (new RenderedEmail(record.Subject ?? "", record.Html, record.Text), null)), cancellationToken);
                break;

            case AuthEmailMessage auth:
                var now = time.GetUtcNow();
                // The delivery id comes from the message id, so a redelivered message finds the record its first copy made.
                var created = await deliveries.CreateOrGetAsync(new DeliveryDocument
                {
                    Id = DeliveryDocument.IdFor(AuthDeliveryId(auth)),
                    Pk = DeliveryDocument.PkFor(auth.Namespace, AuthDeliveryId(auth)),
                    Ns = auth.Namespace,
                    DeliveryId = AuthDeliveryId(auth),
                    State = EmailStates.Queued,
                    To = auth.To,
                    Template = auth.Template,
                    CreatedAt = now,
                    UpdatedAt = now,
                }, cancellationToken);
                await processor.RunAsync(created, message, ct => RenderAsync(auth, ct), cancellationToken);
                break;
        }
    }

    internal static string AuthDeliveryId(AuthEmailMessage message) => "auth-" + message.MessageId;

    private async Task<(RenderedEmail?, string?)> RenderAsync(AuthEmailMessage message, CancellationToken cancellationToken)
    {
        if (await templates.ResolveAsync(message.Namespace, message.Template, cancellationToken) is not { } template)
        {
            return (null, $"No template named '{message.Template}' in the namespace.");
        }

        var (email, error) = renderer.Render(template.Parts, message.Data);
        if (error is not null)
        {
            return (null, error.Message);
        }

        return email!.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0 ? (null, "The rendered subject contains a line break.") : (email, null);
    }

    /// <summary>Reads <c>version</c> and <c>kind</c> first (the contract's rule), then the body; anything else is poison.</summary>
    internal static object Parse(string message)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(message);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new PoisonMessageException("The message is not JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number)
        {
            throw new PoisonMessageException("The message has no version.");
        }

        var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        try
        {
            if (kind == DeliveryMessage.DeliveryKind && version.GetInt32() == DeliveryMessage.CurrentVersion)
            {
                var delivery = root.Deserialize(EmailDocumentsJsonContext.Default.DeliveryMessage);
                return delivery is { DeliveryId.Length: > 0, Namespace.Length: > 0 } && IdRegex().IsMatch(delivery.DeliveryId)
                    ? delivery : throw new PoisonMessageException("The delivery message lacks its id or namespace.");
            }

            if (kind is null && version.GetInt32() == AuthEmailMessage.CurrentVersion)
            {
                var auth = root.Deserialize(HitJsonContext.Default.AuthEmailMessage);
                return auth is { MessageId.Length: > 0, Namespace.Length: > 0, Template.Length: > 0, To: not null, Data: not null } && IdRegex().IsMatch(auth.MessageId)
                    ? auth : throw new PoisonMessageException("The auth mail message lacks a required field.");
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new PoisonMessageException("The message does not match its version's contract.");
        }

        throw new PoisonMessageException($"Unknown message version {version.GetRawText()} (kind '{kind}').");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    internal static partial Regex IdRegex();
}
