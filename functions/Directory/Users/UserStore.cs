using System.Net;
using System.Text.Json;
using Hit.Contracts.Directory;
using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Hit.Directory.Users;

internal enum UserWriteOutcome
{
    Applied,
    NotFound,
    EmailTaken,
    DiscordTaken,
}

internal readonly record struct UserWrite(UserWriteOutcome Outcome, UserDocument? User);

/// <summary>
/// User persistence with per-namespace uniqueness of e-mail and (user_id, guild_id), without transactions.
/// </summary>
/// <remarks>
/// Each unique value is a lookup document with a deterministic id, created with create-if-absent before the user is
/// written: of two concurrent writers exactly one creation succeeds. The user document is the truth and a lookup
/// only counts while the user it names exists and still has that value, so a crash between steps leaves at most a
/// dead lookup, never a wrong answer. A dead lookup older than <see cref="UsersOptions.ClaimGraceSeconds"/> (long
/// enough for an in-flight writer to finish) is taken over with an ETag-conditional replace. Failed writes release
/// the claims they made, so nothing is left half-written.
/// </remarks>
internal sealed class UserStore(HitContainer users, TimeProvider time, IOptions<UsersOptions> options)
{
    // Concurrent updates of one user retry on ETag conflicts; a handful is plenty for human-driven edits.
    private const int MaxUpdateAttempts = 5;

    public async Task<UserWrite> CreateAsync(string ns, CreateUserRequest request, CancellationToken cancellationToken)
    {
        var container = await users.GetContainerAsync(cancellationToken);
        var now = time.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var user = UserDocument.Create(ns, id, request.UserId!, request.GuildId!, request.RealName!.Trim(), request.Email!.Trim(),
            request.PhoneNumber, request.DateOfBirth, request.Profile ?? [], now, now);

        var emailLookup = UserKeys.EmailLookupId(user.EmailKey);
        if (!await ClaimAsync(container, ns, emailLookup, id, cancellationToken))
        {
            return new(UserWriteOutcome.EmailTaken, null);
        }

        var discordLookup = UserKeys.DiscordLookupId(user.UserId, user.GuildId);
        if (!await ClaimAsync(container, ns, discordLookup, id, cancellationToken))
        {
            await ReleaseAsync(container, ns, emailLookup, id);
            return new(UserWriteOutcome.DiscordTaken, null);
        }

        var written = false;
        try
        {
            var created = await container.CreateItemAsync(user, new PartitionKey(user.Pk), cancellationToken: cancellationToken);
            written = true;
            return new(UserWriteOutcome.Applied, created.Resource);
        }
        finally
        {
            if (!written)
            {
                await ReleaseAsync(container, ns, emailLookup, id);
                await ReleaseAsync(container, ns, discordLookup, id);
            }
        }
    }

    public async Task<UserDocument?> GetAsync(string ns, string id, CancellationToken cancellationToken)
    {
        if (!UserValidation.IsRecordId(id))
        {
            return null;
        }

        var container = await users.GetContainerAsync(cancellationToken);
        return await ReadUserAsync(container, ns, id, cancellationToken);
    }

    public Task<UserDocument?> GetByEmailAsync(string ns, string email, CancellationToken cancellationToken)
    {
        var key = UserKeys.EmailKey(email);
        return FindByLookupAsync(ns, UserKeys.EmailLookupId(key), u => u.EmailKey == key, cancellationToken);
    }

    public Task<UserDocument?> GetByDiscordAsync(string ns, string userId, string guildId, CancellationToken cancellationToken) =>
        FindByLookupAsync(ns, UserKeys.DiscordLookupId(userId, guildId), u => u.UserId == userId && u.GuildId == guildId, cancellationToken);

    public async Task<UserWrite> UpdateAsync(string ns, string id, UpdateUserRequest request, CancellationToken cancellationToken)
    {
        if (!UserValidation.IsRecordId(id))
        {
            return new(UserWriteOutcome.NotFound, null);
        }

        var container = await users.GetContainerAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadUserAsync(container, ns, id, cancellationToken);
            if (current is null)
            {
                return new(UserWriteOutcome.NotFound, null);
            }

            var next = Apply(current, request, time.GetUtcNow());
            var newEmail = next.EmailKey != current.EmailKey ? UserKeys.EmailLookupId(next.EmailKey) : null;
            var newDiscord = (next.UserId, next.GuildId) != (current.UserId, current.GuildId) ? UserKeys.DiscordLookupId(next.UserId, next.GuildId) : null;

            if (newEmail is not null && !await ClaimAsync(container, ns, newEmail, id, cancellationToken))
            {
                return new(UserWriteOutcome.EmailTaken, null);
            }

            if (newDiscord is not null && !await ClaimAsync(container, ns, newDiscord, id, cancellationToken))
            {
                await ReleaseIfClaimedAsync(container, ns, newEmail, id);
                return new(UserWriteOutcome.DiscordTaken, null);
            }

            WriteResult<UserDocument> replaced;
            var applied = false;
            try
            {
                replaced = await container.ReplaceIfMatchAsync(next, current.ETag!, cancellationToken);
                applied = replaced.Applied;
            }
            finally
            {
                if (!applied)
                {
                    await ReleaseIfClaimedAsync(container, ns, newEmail, id);
                    await ReleaseIfClaimedAsync(container, ns, newDiscord, id);
                }
            }

            switch (replaced.Outcome)
            {
                case WriteOutcome.Applied:
                    // The old values are free now; releasing them is tidy-up (a left-over would be dead anyway).
                    await ReleaseIfClaimedAsync(container, ns, newEmail is null ? null : UserKeys.EmailLookupId(current.EmailKey), id);
                    await ReleaseIfClaimedAsync(container, ns, newDiscord is null ? null : UserKeys.DiscordLookupId(current.UserId, current.GuildId), id);
                    return new(UserWriteOutcome.Applied, replaced.Document);
                case WriteOutcome.NotFound:
                    return new(UserWriteOutcome.NotFound, null);
                case WriteOutcome.PreconditionFailed when attempt < MaxUpdateAttempts:
                    continue;
                default:
                    throw new InvalidOperationException($"User {id} kept changing during {MaxUpdateAttempts} update attempts.");
            }
        }
    }

    public async Task<bool> DeleteAsync(string ns, string id, CancellationToken cancellationToken)
    {
        if (!UserValidation.IsRecordId(id))
        {
            return false;
        }

        var container = await users.GetContainerAsync(cancellationToken);
        var user = await ReadUserAsync(container, ns, id, cancellationToken);
        if (user is null)
        {
            return false;
        }

        // The user goes first: from then on its lookups are dead, whatever happens to the tidy-up below.
        try
        {
            await container.DeleteItemAsync<UserDocument>(id, new PartitionKey(user.Pk), cancellationToken: cancellationToken);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ReleaseAsync(container, ns, UserKeys.EmailLookupId(user.EmailKey), id);
        await ReleaseAsync(container, ns, UserKeys.DiscordLookupId(user.UserId, user.GuildId), id);
        return true;
    }

    internal static UserDocument Apply(UserDocument current, UpdateUserRequest request, DateTimeOffset now)
    {
        var profile = new Dictionary<string, JsonElement>(current.Profile, StringComparer.Ordinal);
        foreach (var (key, value) in request.Profile ?? [])
        {
            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                profile.Remove(key);
            }
            else
            {
                profile[key] = value;
            }
        }

        return UserDocument.Create(current.Ns, current.Id,
            request.UserId ?? current.UserId,
            request.GuildId ?? current.GuildId,
            request.RealName?.Trim() ?? current.RealName,
            request.Email?.Trim() ?? current.Email,
            request.PhoneNumber ?? current.PhoneNumber,
            request.DateOfBirth ?? current.DateOfBirth,
            profile,
            current.CreatedAt,
            now);
    }

    private async Task<UserDocument?> FindByLookupAsync(string ns, string lookupId, Func<UserDocument, bool> holds, CancellationToken cancellationToken)
    {
        var container = await users.GetContainerAsync(cancellationToken);
        var lookup = await container.ReadItemOrDefaultAsync<LookupDocument>(lookupId, UserKeys.Pk(ns), cancellationToken);
        if (lookup is null || lookup.Type != LookupDocument.Kind)
        {
            return null;
        }

        var user = await ReadUserAsync(container, ns, lookup.Target, cancellationToken);
        return user is not null && holds(user) ? user : null;
    }

    private static async Task<UserDocument?> ReadUserAsync(Container container, string ns, string id, CancellationToken cancellationToken)
    {
        var user = await container.ReadItemOrDefaultAsync<UserDocument>(id, UserKeys.Pk(ns), cancellationToken);
        return user is { Type: UserDocument.Kind } ? user : null;
    }

    /// <summary>Makes <paramref name="target"/> the holder of <paramref name="lookupId"/>; false when someone else holds it.</summary>
    private async Task<bool> ClaimAsync(Container container, string ns, string lookupId, string target, CancellationToken cancellationToken)
    {
        var pk = UserKeys.Pk(ns);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var claim = new LookupDocument { Id = lookupId, Pk = pk, Ns = ns, Target = target, ClaimedAt = time.GetUtcNow() };
            if ((await container.TryCreateItemAsync(claim, cancellationToken)).Applied)
            {
                return true;
            }

            var existing = await container.ReadItemOrDefaultAsync<LookupDocument>(lookupId, pk, cancellationToken);
            if (existing is null)
            {
                continue;
            }

            if (existing.Target == target)
            {
                return true;
            }

            if (await IsLiveAsync(container, ns, existing, cancellationToken)
                || time.GetUtcNow() - existing.ClaimedAt < TimeSpan.FromSeconds(options.Value.ClaimGraceSeconds))
            {
                return false;
            }

            // Dead and old: its writer crashed or gave up. The ETag makes exactly one of several takers win.
            if ((await container.ReplaceIfMatchAsync(claim, existing.ETag!, cancellationToken)).Applied)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<bool> IsLiveAsync(Container container, string ns, LookupDocument lookup, CancellationToken cancellationToken)
    {
        var user = await ReadUserAsync(container, ns, lookup.Target, cancellationToken);
        return user is not null
            && (lookup.Id == UserKeys.EmailLookupId(user.EmailKey) || lookup.Id == UserKeys.DiscordLookupId(user.UserId, user.GuildId));
    }

    private static Task ReleaseIfClaimedAsync(Container container, string ns, string? lookupId, string target) =>
        lookupId is null ? Task.CompletedTask : ReleaseAsync(container, ns, lookupId, target);

    /// <summary>
    /// Deletes a lookup if <paramref name="target"/> still holds it (ETag-conditional). Runs on failure paths too, so it
    /// ignores the caller's cancellation; when it cannot finish, the lookup is dead and will be taken over later.
    /// </summary>
    private static async Task ReleaseAsync(Container container, string ns, string lookupId, string target)
    {
        var pk = UserKeys.Pk(ns);
        var existing = await container.ReadItemOrDefaultAsync<LookupDocument>(lookupId, pk, CancellationToken.None);
        if (existing is null || existing.Target != target)
        {
            return;
        }

        try
        {
            await container.DeleteItemAsync<LookupDocument>(lookupId, new PartitionKey(pk), new ItemRequestOptions { IfMatchEtag = existing.ETag }, CancellationToken.None);
        }
        catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
            // Already gone, or taken over by someone else: either way it is no longer ours.
        }
    }
}

/// <summary>Directory user settings (section <c>Directory:Users</c>).</summary>
internal sealed class UsersOptions
{
    public const string Section = "Directory:Users";

    /// <summary>How long a claim whose user is not (yet) written is protected from takeover.</summary>
    public int ClaimGraceSeconds { get; set; } = 30;
}
