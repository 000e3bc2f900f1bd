using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hit.Contracts.Auth;

/// <summary>
/// The auth contracts' source-generated context. A second partial declaration of <c>HitJsonContext</c> with its own
/// [JsonSerializable] list makes the generator emit duplicate hint names (CS8785, e.g. HitJsonContext.Boolean.g.cs),
/// so the auth types get their own context; apps and the SDK add it to the resolver chain next to HitJsonContext.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]

[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(VerifyTokenRequest))]
[JsonSerializable(typeof(VerifyTokenResponse))]
[JsonSerializable(typeof(EmailTokenRequest))]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(AcceptedResponse))]
[JsonSerializable(typeof(JsonWebKeySetResponse))]
[JsonSerializable(typeof(TicketingCredentials))]
[JsonSerializable(typeof(TicketingAuthResponse))]
[JsonSerializable(typeof(TicketingCurrentUserResponse))]
[JsonSerializable(typeof(TicketingErrorResponse))]
[JsonSerializable(typeof(AuthEmailMessage))]
public sealed partial class AuthJsonContext : JsonSerializerContext;
