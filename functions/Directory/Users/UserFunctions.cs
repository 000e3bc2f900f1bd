using Hit.Contracts.Directory;
using Hit.Directory.Envelope;
using Hit.Directory.Signing;
using Hit.Platform.Cosmos;
using Hit.Platform.Health;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Hit.Directory.Users;

/// <summary>The HackIt user API — each endpoint one Azure Function, all behind the request signature.</summary>
internal static class UserFunctions
{
    public const string ContainerName = "directory";

    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, UserJsonContext.Default));
        services.AddHitCosmosContainer(ContainerName);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.AddOptions<UsersOptions>().BindConfiguration(UsersOptions.Section).ValidateOnStart()
            .Validate(o => o.ClaimGraceSeconds is >= 1 and <= 3600, $"{UsersOptions.Section}:ClaimGraceSeconds must be 1–3600.");
        services.AddSingleton<UserStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapUserFunctions(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users").WithTags("Users").RequireDirectorySignature(app);
        users.MapPost("/", CreateUser).WithName(nameof(CreateUser)).WithSummary("Registers a user.").ProducesErrors(400, 401, 409);
        users.MapGet("/", ListUsers).WithName(nameof(ListUsers)).WithSummary("Lists users, oldest first, a page at a time.").ProducesErrors(400, 401);
        users.MapGet("/{id}", GetUser).WithName(nameof(GetUser)).WithSummary("Reads a user by record id.").ProducesErrors(401, 404);
        users.MapGet("/email/{email}", GetUserByEmail).WithName(nameof(GetUserByEmail)).WithSummary("Reads a user by e-mail (case-insensitive).").ProducesErrors(401, 404);
        users.MapGet("/discord/{user_id}/{guild_id}", GetUserByDiscord).WithName(nameof(GetUserByDiscord)).WithSummary("Reads a user by Discord user and guild id.").ProducesErrors(401, 404);
        users.MapPut("/{id}", UpdateUser).WithName(nameof(UpdateUser)).WithSummary("Changes the given fields of a user.").ProducesErrors(400, 401, 404, 409);
        users.MapDelete("/{id}", DeleteUser).WithName(nameof(DeleteUser)).WithSummary("Deletes a user.").ProducesErrors(401, 404);
        users.MapPost("/query", QueryUsers).WithName(nameof(QueryUsers)).WithSummary("Filters, sorts and pages users.").ProducesErrors(400, 401);
        return app;
    }

    internal static async Task<Results<Created<DirectoryResponse<UserResponse>>, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, TenantNamespace ns, UserStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (UserValidation.Create(request, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) is { } error)
        {
            return DirectoryEnvelope.Invalid(error.Field, error.Message);
        }

        var result = await store.CreateAsync(ns.Value, request, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Applied => TypedResults.Created($"users/{result.User!.Id}",
                new DirectoryResponse<UserResponse> { Success = true, Data = result.User.ToResponse() }),
            _ => Taken(result.Outcome),
        };
    }

    internal static async Task<Results<Ok<DirectoryResponse<UserPage>>, ProblemHttpResult>> ListUsers(
        TenantNamespace ns, HitContainer users, CancellationToken cancellationToken,
        [FromQuery(Name = "page_size")] int? pageSize = null, [FromQuery(Name = "cursor")] string? cursor = null) =>
        await RunQueryAsync(new UserQuery { PageSize = pageSize, Cursor = cursor }, ns, users, cancellationToken);

    internal static async Task<Results<Ok<DirectoryResponse<UserPage>>, ProblemHttpResult>> QueryUsers(
        UserQuery query, TenantNamespace ns, HitContainer users, CancellationToken cancellationToken) =>
        await RunQueryAsync(query, ns, users, cancellationToken);

    internal static async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> GetUser(
        string id, TenantNamespace ns, UserStore store, CancellationToken cancellationToken) =>
        Found(await store.GetAsync(ns.Value, id, cancellationToken));

    internal static async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> GetUserByEmail(
        string email, TenantNamespace ns, UserStore store, CancellationToken cancellationToken) =>
        UserValidation.Email(email) is null ? Found(await store.GetByEmailAsync(ns.Value, email, cancellationToken)) : DirectoryEnvelope.UserNotFound();

    internal static async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> GetUserByDiscord(
        [FromRoute(Name = "user_id")] string userId, [FromRoute(Name = "guild_id")] string guildId, TenantNamespace ns, UserStore store, CancellationToken cancellationToken) =>
        UserValidation.DiscordId("user_id", userId) is null && UserValidation.DiscordId("guild_id", guildId) is null
            ? Found(await store.GetByDiscordAsync(ns.Value, userId, guildId, cancellationToken))
            : DirectoryEnvelope.UserNotFound();

    internal static async Task<Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult>> UpdateUser(
        string id, UpdateUserRequest request, TenantNamespace ns, UserStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (UserValidation.Update(request, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) is { } error)
        {
            return DirectoryEnvelope.Invalid(error.Field, error.Message);
        }

        var result = await store.UpdateAsync(ns.Value, id, request, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Applied => DirectoryEnvelope.Ok(result.User!.ToResponse()),
            UserWriteOutcome.NotFound => DirectoryEnvelope.UserNotFound(),
            _ => Taken(result.Outcome),
        };
    }

    internal static async Task<Results<Ok<DirectoryResponse<DeletedUserResponse>>, ProblemHttpResult>> DeleteUser(
        string id, TenantNamespace ns, UserStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(ns.Value, id, cancellationToken)
            ? DirectoryEnvelope.Ok(new DeletedUserResponse(id, true))
            : DirectoryEnvelope.UserNotFound();

    private static async Task<Results<Ok<DirectoryResponse<UserPage>>, ProblemHttpResult>> RunQueryAsync(
        UserQuery query, TenantNamespace ns, HitContainer users, CancellationToken cancellationToken)
    {
        var (plan, error) = UserQueries.Plan(query);
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

    private static Results<Ok<DirectoryResponse<UserResponse>>, ProblemHttpResult> Found(UserDocument? user) =>
        user is null ? DirectoryEnvelope.UserNotFound() : DirectoryEnvelope.Ok(user.ToResponse());

    private static ProblemHttpResult Taken(UserWriteOutcome outcome) => outcome == UserWriteOutcome.EmailTaken
        ? DirectoryEnvelope.Fail(StatusCodes.Status409Conflict, DirectoryCodes.EmailTaken, "A user with this email already exists.", "email")
        : DirectoryEnvelope.Fail(StatusCodes.Status409Conflict, DirectoryCodes.DiscordTaken, "A user with this user_id and guild_id already exists.", "user_id");
}
