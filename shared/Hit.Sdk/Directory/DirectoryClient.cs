using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Hit.Contracts;
using Hit.Contracts.Directory;
using Hit.Sdk.Http;

namespace Hit.Sdk.Directory;

/// <summary>
/// Typed client of the directory (the HackIt user API): the seed's <c>DatabaseClient</c> capabilities over
/// <see cref="HttpClient"/>. Failures throw <see cref="HitApiException"/> subclasses carrying the service's
/// <c>error.code</c> (<see cref="HitNotFoundException"/> for <c>user_not_found</c>, <see cref="HitConflictException"/>
/// for <c>email_taken</c>/<c>discord_account_taken</c>, …).
/// </summary>
public sealed class DirectoryClient : HitServiceClient
{
    /// <summary>Over an <see cref="HttpClient"/> whose base address and handlers are already set (DI does this).</summary>
    public DirectoryClient(HttpClient http)
        : this(http, ownsHttpClient: false)
    {
    }

    private DirectoryClient(HttpClient http, bool ownsHttpClient)
        : base(http, ownsHttpClient)
    {
    }

    /// <summary>A client that owns its handler chain (retry → signing → bearer → <paramref name="primaryHandler"/>).</summary>
    public static DirectoryClient Create(HitClientOptions options, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DirectoryClient(options.CreateHttpClient(primaryHandler), ownsHttpClient: true);
    }

    /// <summary>Registers a user; <see cref="HitConflictException"/> when the e-mail or (user_id, guild_id) is taken.</summary>
    public Task<UserResponse> CreateUserAsync(CreateUserRequest user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return SendAsync(HttpMethod.Post, "users/", ServiceCall.JsonBody(user, HitJsonContext.Default.CreateUserRequest),
            HitJsonContext.Default.DirectoryResponseUserResponse, idempotent: false, cancellationToken);
    }

    /// <summary>A user by record id; <see cref="HitNotFoundException"/> when there is none.</summary>
    public Task<UserResponse> GetUserAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "users/" + ServiceCall.Segment(id), null, HitJsonContext.Default.DirectoryResponseUserResponse, true, cancellationToken);

    /// <summary>A user by e-mail (case-insensitive); <see cref="HitNotFoundException"/> when there is none.</summary>
    public Task<UserResponse> GetUserByEmailAsync(string email, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "users/email/" + ServiceCall.Segment(email), null, HitJsonContext.Default.DirectoryResponseUserResponse, true, cancellationToken);

    /// <summary>A user by Discord user and guild id; <see cref="HitNotFoundException"/> when there is none.</summary>
    public Task<UserResponse> GetUserByDiscordAsync(string userId, string guildId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"users/discord/{ServiceCall.Segment(userId)}/{ServiceCall.Segment(guildId)}", null,
            HitJsonContext.Default.DirectoryResponseUserResponse, true, cancellationToken);

    /// <summary>Changes the given fields (absent ones keep their value; profile keys merge, null removes).</summary>
    public Task<UserResponse> UpdateUserAsync(string id, UpdateUserRequest changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return SendAsync(HttpMethod.Put, "users/" + ServiceCall.Segment(id), ServiceCall.JsonBody(changes, HitJsonContext.Default.UpdateUserRequest),
            HitJsonContext.Default.DirectoryResponseUserResponse, true, cancellationToken);
    }

    /// <summary>Deletes a user; <see cref="HitNotFoundException"/> when there is none.</summary>
    public async Task DeleteUserAsync(string id, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Delete, "users/" + ServiceCall.Segment(id), null, HitJsonContext.Default.DirectoryResponseDeletedUserResponse, true, cancellationToken).ConfigureAwait(false);

    /// <summary>One page of users, oldest first (<c>GET /users/</c>).</summary>
    public Task<UserPage> ListUsersAsync(int? pageSize = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (pageSize is { } size)
        {
            query.Add("page_size=" + size.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        return SendAsync(HttpMethod.Get, query.Count == 0 ? "users/" : "users/?" + string.Join('&', query), null,
            HitJsonContext.Default.DirectoryResponseUserPage, true, cancellationToken);
    }

    /// <summary>One page of a query (<c>POST /users/query</c>); pass the page's <c>next_cursor</c> back for the next.</summary>
    public Task<UserPage> QueryUsersAsync(UserQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        // A query only reads, so it is retried like a GET even though it is a POST.
        return SendAsync(HttpMethod.Post, "users/query", ServiceCall.JsonBody(query, HitJsonContext.Default.UserQuery),
            HitJsonContext.Default.DirectoryResponseUserPage, idempotent: true, cancellationToken);
    }

    /// <summary>Every user matching <paramref name="query"/>, page after page.</summary>
    public async IAsyncEnumerable<UserResponse> QueryAllUsersAsync(UserQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var next = query;
        while (true)
        {
            var page = await QueryUsersAsync(next, cancellationToken).ConfigureAwait(false);
            foreach (var user in page.Items)
            {
                yield return user;
            }

            if (page.NextCursor is null)
            {
                yield break;
            }

            next = next with { Cursor = page.NextCursor };
        }
    }

    /// <summary>The service's health. An unhealthy service (503) is reported, not thrown.</summary>
    public async Task<DirectoryHealth> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ServiceCall.Relative("health"));
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable
            && await response.Content.ReadFromJsonAsync(HitJsonContext.Default.DirectoryResponseDirectoryHealth, cancellationToken).ConfigureAwait(false) is { Data: { } health })
        {
            return health;
        }

        throw await ServiceCall.ErrorAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /</c>: name, version, documentation links and accepted signature versions.</summary>
    public Task<ServiceInfo> GetServiceInfoAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "", null, HitJsonContext.Default.DirectoryResponseServiceInfo, true, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<DirectoryResponse<T>> typeInfo, bool idempotent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ServiceCall.Relative(path)) { Content = body };
        using var response = await SendAsync(request, idempotent, cancellationToken).ConfigureAwait(false);
        var envelope = await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken).ConfigureAwait(false);
        return envelope is { Success: true, Data: { } data }
            ? data
            : throw new HitApiException(response.StatusCode, "invalid_response", "The service answered success without data.");
    }
}
