using System.Text.Json;
using System.Text.Json.Serialization;
using Hit.Contracts.Auth;
using Hit.Contracts.Directory;
using Hit.Contracts.Email;
using Hit.Contracts.Files;
using Hit.Contracts.PingPong;
using Hit.Contracts.Resumes;

namespace Hit.Contracts;

/// <summary>
/// The one source-generated serializer context for every request, response and message record the services and
/// the SDK share (web defaults). Source generation keeps cold start low and keeps the wire shape identical on both
/// sides. <c>AddHitPlatform()</c> puts it first in every app's resolver chain; the SDK reads with
/// <c>HitJsonContext.Default.&lt;Type&gt;</c>. Add an app's types here, in its own block: the list must stay in
/// one declaration, because [JsonSerializable] on a second partial declaration makes the generator emit
/// duplicate files (CS8785).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]

// PingPong
[JsonSerializable(typeof(CounterResponse))]

// Auth
[JsonSerializable(typeof(CredentialsRequest))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(OAuthTokenRequest))]
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

// Directory
[JsonSerializable(typeof(DirectoryResponse<UserResponse>))]
[JsonSerializable(typeof(DirectoryResponse<UserPage>))]
[JsonSerializable(typeof(DirectoryResponse<DeletedUserResponse>))]
[JsonSerializable(typeof(DirectoryResponse<DirectoryHealth>))]
[JsonSerializable(typeof(DirectoryResponse<ServiceInfo>))]
[JsonSerializable(typeof(DirectoryErrorResponse))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(UserQuery))]

// Files
[JsonSerializable(typeof(FileResponse))]
[JsonSerializable(typeof(UploadUrlRequest))]
[JsonSerializable(typeof(UploadUrlResponse))]
[JsonSerializable(typeof(UpdateFileRequest))]
[JsonSerializable(typeof(CreateCategoryRequest))]
[JsonSerializable(typeof(UpdateCategoryRequest))]
[JsonSerializable(typeof(CategoryResponse))]
[JsonSerializable(typeof(CategoryListResponse))]

// Resumes
[JsonSerializable(typeof(ResumeResponse))]
[JsonSerializable(typeof(ResumePage))]
[JsonSerializable(typeof(CreateResumeRequest))]
[JsonSerializable(typeof(UpdateResumeRequest))]

// Email
[JsonSerializable(typeof(SendEmailRequest))]
[JsonSerializable(typeof(EmailResponse))]
[JsonSerializable(typeof(TemplateRequest))]
[JsonSerializable(typeof(TemplateResponse))]
[JsonSerializable(typeof(PoisonMessageList))]
public sealed partial class HitJsonContext : JsonSerializerContext;
