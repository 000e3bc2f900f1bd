using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hit.Contracts.Directory;

/// <summary>
/// The directory contracts' source-generated context, used by the directory app and the SDK alike. It is its own
/// context rather than a <c>HitJsonContext</c> partial: a second partial with several types sharing a primitive
/// (bool) makes the generator emit duplicate hint names (CS8785).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DirectoryResponse<UserResponse>))]
[JsonSerializable(typeof(DirectoryResponse<UserPage>))]
[JsonSerializable(typeof(DirectoryResponse<DeletedUserResponse>))]
[JsonSerializable(typeof(DirectoryResponse<DirectoryHealth>))]
[JsonSerializable(typeof(DirectoryResponse<ServiceInfo>))]
[JsonSerializable(typeof(DirectoryErrorResponse))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(UserQuery))]
public sealed partial class DirectoryJsonContext : JsonSerializerContext;
