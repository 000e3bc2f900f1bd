using System.Text.Json.Serialization;
using Hit.Auth.Accounts;
using Hit.Auth.Keys;
using Hit.Auth.Mail;
using Hit.Auth.Sessions;

namespace Hit.Auth;

/// <summary>Source-generated serialization of the stored documents (arrays for the types that are queried).</summary>
[JsonSerializable(typeof(KeyRingDocument))]
[JsonSerializable(typeof(AccountDocument))]
[JsonSerializable(typeof(UserPointerDocument))]
[JsonSerializable(typeof(ExternalLoginDocument))]
[JsonSerializable(typeof(SessionDocument))]
[JsonSerializable(typeof(SessionDocument[]))]
[JsonSerializable(typeof(OneTimeTokenDocument))]
[JsonSerializable(typeof(OAuth.OAuthStateDocument))]
[JsonSerializable(typeof(OAuth.OAuthCodeDocument))]
internal sealed partial class AuthDocumentsJsonContext : JsonSerializerContext;
