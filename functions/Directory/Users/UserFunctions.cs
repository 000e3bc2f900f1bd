using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Hit.Contracts;
using Hit.Contracts.Directory;
using Hit.Directory.Envelope;
using Hit.Platform.Cosmos;
using Hit.Platform.Errors;
using Hit.Platform.Http;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hit.Directory.Users;

/// <summary>
/// The HackIt user API — each endpoint one Azure Function, all behind the request signature (the platform's worker
/// middleware verifies it before any of these run; <c>Directory:RequireSignature=false</c> turns that off for the benchmark).
/// </summary>
[RequireHmacSignature]
internal sealed class UserFunctions(UserStore store, HitContainer users, TimeProvider time)
{
    /// <summary>
    /// Well above the largest valid body (a 16 KiB profile plus the fixed fields), so only bodies that could never be
    /// valid are cut off before they are parsed.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Registers a user.</summary>
    [Function(nameof(CreateUser))]
    public async Task<Results<Created<DirectoryResponse<UserResponse>>, ProblemHttpResult>> CreateUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "users")] HttpRequest request, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await ReadBodyAsync(request, HitJsonContext.Default.CreateUserRequest, cancellationToken);
        if (body is null)
        {
            return unreadable!;
        }

        if (UserValidation.Create(body, Today()) is { } error)
        {
            return DirectoryEnvelope.Invalid(error.Field, error.Message);
        }

        var result = await store.CreateAsync(ns.Value, body, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Applied => TypedResults.Created(PublicAddress.PathFor(request, $"/users/{result.User!.Id}"),
                new DirectoryResponse<UserResponse> { Success = true, Data = result.User.ToResponse() }),
            _ => Taken(result.Outcome),
        };
    }

    /// <summary>Lists users, oldest first, a page at a time (<c>page_size</c> 1–100, <c>cursor</c>).</summary>
    [Function(nameof(ListUsers))]
    public async Task<Results<Ok<DirectoryResponse<UserPage>>, ProblemHttpResult>> ListUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users")] HttpRequest request, TenantNamespace ns, CancellationToken cancellationToken)
    {
        int? pageSize = null;
        if (request.Query["page_size"].ToString() is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                return DirectoryEnvelope.Invalid("page_size", "page_size must be a whole number.");
            }

            pageSize = parsed;
        }

        var cursor = request.Query["cursor"].ToString() is { Length: > 0 } c ? c : null;
        return await RunQueryAsync(new UserQuery { PageSize = pageSize, Cursor = cursor }, ns, cancellationToken);
    }

    /// <summary>Filters, sorts and pages users.</summary>
    [Function(nameof(QueryUsers))]
    public async Task<Results<Ok<DirectoryResponse<UserPage>>, ProblemHttpResult>> QueryUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "users/query")] HttpRequest request, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (query, unreadable) = await ReadBodyAsync(request, HitJsonContext.Default.UserQuery, cancellationToken);
        return query is null ? unreadable! : await RunQueryAsync(query, ns, cancellationToken);
    }

    /// <summary>Reads a user by record id.</summary>
    [Function(nameof(GetUser))]
    public async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> GetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/{id}")] HttpRequest request, string id, TenantNamespace ns, CancellationToken cancellationToken) =>
        Found(await store.GetAsync(ns.Value, id, cancellationToken));

    /// <summary>Reads a user by e-mail (case-insensitive).</summary>
    [Function(nameof(GetUserByEmail))]
    public async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> GetUserByEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/email/{email}")] HttpRequest request, string email, TenantNamespace ns, CancellationToken cancellationToken) =>
        UserValidation.Email(email) is null ? Found(await store.GetByEmailAsync(ns.Value, email, cancellationToken)) : DirectoryEnvelope.UserNotFound();

    /// <summary>Reads a user by Discord user and guild id (parameters named as the route names them).</summary>
    [Function(nameof(GetUserByDiscord))]
    public async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> GetUserByDiscord(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/discord/{user_id}/{guild_id}")] HttpRequest request,
        string user_id, string guild_id, TenantNamespace ns, CancellationToken cancellationToken) =>
        UserValidation.DiscordId("user_id", user_id) is null && UserValidation.DiscordId("guild_id", guild_id) is null
            ? Found(await store.GetByDiscordAsync(ns.Value, user_id, guild_id, cancellationToken))
            : DirectoryEnvelope.UserNotFound();

    /// <summary>Changes the given fields of a user.</summary>
    [Function(nameof(UpdateUser))]
    public async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> UpdateUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/{id}")] HttpRequest request, string id, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await ReadBodyAsync(request, HitJsonContext.Default.UpdateUserRequest, cancellationToken);
        if (body is null)
        {
            return unreadable!;
        }

        if (UserValidation.Update(body, Today()) is { } error)
        {
            return DirectoryEnvelope.Invalid(error.Field, error.Message);
        }

        var result = await store.UpdateAsync(ns.Value, id, body, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Applied => DirectoryEnvelope.Ok(result.User!.ToResponse()),
            UserWriteOutcome.NotFound => DirectoryEnvelope.UserNotFound(),
            _ => Taken(result.Outcome),
        };
    }

    /// <summary>Deletes a user.</summary>
    [Function(nameof(DeleteUser))]
    public async Task<Results<Ok<DirectoryResponse<DeletedUserResponse>>, ProblemHttpResult>> DeleteUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/{id}")] HttpRequest request, string id, TenantNamespace ns, CancellationToken cancellationToken) =>
        await store.DeleteAsync(ns.Value, id, cancellationToken)
            ? DirectoryEnvelope.Ok(new DeletedUserResponse(id, true))
            : DirectoryEnvelope.UserNotFound();

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private async Task<Results<Ok<DirectoryResponse<UserPage>>, ProblemHttpResult>> RunQueryAsync(
        UserQuery query, TenantNamespace ns, CancellationToken cancellationToken)
    {
        var (plan, error) = UserQueries.Plan(query, ns.Value);
        if (plan is null)
        {
            return error!.Field == "cursor"
                ? DirectoryEnvelope.Fail(StatusCodes.Status400BadRequest, DirectoryCodes.InvalidCursor, error.Message, error.Field)
                : DirectoryEnvelope.Invalid(error!.Field, error.Message);
        }

        var container = await users.GetContainerAsync(cancellationToken);
        var (items, next) = await UserQueries.RunAsync(container, ns.Value, plan, cancellationToken);
        return DirectoryEnvelope.Ok(new UserPage([.. items.Select(u => u.ToResponse())], next, plan.PageSize));
    }

    /// <summary>
    /// The JSON body, read by the platform's size-capped <see cref="JsonBody"/> with the source-generated contract
    /// metadata, or the refusal: 415 without a JSON content type, 413 over <see cref="MaxBodyBytes"/>, 400
    /// <c>bad_request</c> for a missing body or one that cannot be read — then naming the JSON path that failed
    /// (<c>$.user_id</c>) and why, with the position in the body. Nothing is written before the body has been read whole.
    /// </summary>
    internal static async Task<(T? Body, ProblemHttpResult? Problem)> ReadBodyAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var (body, error) = await JsonBody.ReadAsync(request, type, cancellationToken, MaxBodyBytes);
        return error switch
        {
            null => (body, null),
            // 415 (with Accept-Post) and 413 as the platform words them; the envelope writer reshapes both.
            { Status: StatusCodes.Status415UnsupportedMediaType } => (null, Problems.Create(error.Status, ProblemCodes.UnsupportedMediaType, error.Message, error.Field)),
            { Status: StatusCodes.Status413PayloadTooLarge } => (null, error.ToProblem()),
            { Path: { } path } => (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, $"{path}: {error.Reason}", path)),
            _ => (null, Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, error.Message, "body")),
        };
    }

    private static Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult> Found(UserDocument? user) =>
        user is null ? DirectoryEnvelope.UserNotFound() : DirectoryEnvelope.Ok(user.ToResponse());

    private static ProblemHttpResult Taken(UserWriteOutcome outcome) => outcome == UserWriteOutcome.EmailTaken
        ? DirectoryEnvelope.Fail(StatusCodes.Status409Conflict, DirectoryCodes.EmailTaken, "A user with this email already exists.", "email")
        : DirectoryEnvelope.Fail(StatusCodes.Status409Conflict, DirectoryCodes.DiscordTaken, "A user with this user_id and guild_id already exists.", "user_id");
}
