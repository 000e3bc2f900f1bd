using Hit.Platform.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Hit.Auth.Accounts;

internal enum CreateAccountOutcome
{
    Created,
    EmailTaken,
}

/// <summary>Account persistence; every change is a single-document conditional write.</summary>
internal sealed class AccountStore([FromKeyedServices(AuthStore.ContainerName)] HitContainer store, TimeProvider time)
{
    /// <summary>
    /// The pointer (userId → email) is written first: an orphan pointer after a crash or a lost race points at an
    /// account that does not carry its user id and is ignored, so no half-created account is ever visible.
    /// </summary>
    public async Task<(CreateAccountOutcome Outcome, AccountDocument? Account)> CreateAsync(
        string ns, string email, string? passwordHash, bool emailVerified, string? externalLogin, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var userId = Guid.NewGuid().ToString("N");
        var emailKey = EmailAddress.Key(email);
        await container.CreateItemAsync(new UserPointerDocument
        {
            Id = UserPointerDocument.IdFor(userId),
            Pk = UserPointerDocument.PkFor(ns, userId),
            Ns = ns,
            EmailKey = emailKey,
        }, new PartitionKey(UserPointerDocument.PkFor(ns, userId)), cancellationToken: cancellationToken);

        var result = await container.TryCreateItemAsync(new AccountDocument
        {
            Id = AccountDocument.IdFor(emailKey),
            Pk = AccountDocument.PkFor(ns, emailKey),
            Ns = ns,
            UserId = userId,
            Email = email,
            PasswordHash = passwordHash,
            EmailVerified = emailVerified,
            CreatedAt = time.GetUtcNow(),
            ExternalLogins = externalLogin is null ? [] : [externalLogin],
        }, cancellationToken);
        return result.Applied ? (CreateAccountOutcome.Created, result.Document) : (CreateAccountOutcome.EmailTaken, null);
    }

    public async Task<AccountDocument?> FindByEmailAsync(string ns, string email, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var key = EmailAddress.Key(email);
        return await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(key), AccountDocument.PkFor(ns, key), cancellationToken);
    }

    public async Task<AccountDocument?> FindByUserIdAsync(string ns, string userId, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var pointer = await container.ReadItemOrDefaultAsync<UserPointerDocument>(UserPointerDocument.IdFor(userId), UserPointerDocument.PkFor(ns, userId), cancellationToken);
        if (pointer is null)
        {
            return null;
        }

        var account = await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(pointer.EmailKey), AccountDocument.PkFor(ns, pointer.EmailKey), cancellationToken);
        return account?.UserId == userId ? account : null;
    }

    /// <summary>Applies <paramref name="operations"/> only while the account is unchanged since it was read.</summary>
    public async Task<WriteResult<AccountDocument>> PatchAsync(AccountDocument account, IReadOnlyList<PatchOperation> operations, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return await container.PatchIfAsync<AccountDocument>(account.Id, account.Pk, null, operations, account.ETag, cancellationToken);
    }

    /// <summary>Counts a failed login atomically (no lost increments under a password-guessing burst).</summary>
    public async Task<AccountDocument> IncrementFailedLoginsAsync(AccountDocument account, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var response = await container.PatchItemAsync<AccountDocument>(account.Id, new PartitionKey(account.Pk),
            [PatchOperation.Increment("/failedLogins", 1)], cancellationToken: cancellationToken);
        return response.Resource;
    }

    public async Task SetLockedUntilAsync(AccountDocument account, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        await container.PatchItemAsync<AccountDocument>(account.Id, new PartitionKey(account.Pk),
            [PatchOperation.Set("/lockedUntil", until)], cancellationToken: cancellationToken);
    }

    /// <summary>Unconditional field updates (success paths: reset counters, set a new hash, mark verified).</summary>
    public async Task<AccountDocument> SetAsync(AccountDocument account, IReadOnlyList<PatchOperation> operations, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var response = await container.PatchItemAsync<AccountDocument>(account.Id, new PartitionKey(account.Pk), operations, cancellationToken: cancellationToken);
        return response.Resource;
    }

    public async Task<string?> FindEmailKeyByExternalLoginAsync(string ns, string provider, string subject, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        var link = await container.ReadItemOrDefaultAsync<ExternalLoginDocument>(ExternalLoginDocument.IdFor(provider, subject),
            ExternalLoginDocument.PkFor(ns, provider, subject), cancellationToken);
        return link?.EmailKey;
    }

    public async Task<AccountDocument?> FindByEmailKeyAsync(string ns, string emailKey, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        return await container.ReadItemOrDefaultAsync<AccountDocument>(AccountDocument.IdFor(emailKey), AccountDocument.PkFor(ns, emailKey), cancellationToken);
    }

    public async Task LinkExternalLoginAsync(AccountDocument account, string provider, string subject, CancellationToken cancellationToken)
    {
        var container = await store.GetContainerAsync(cancellationToken);
        await container.UpsertItemAsync(new ExternalLoginDocument
        {
            Id = ExternalLoginDocument.IdFor(provider, subject),
            Pk = ExternalLoginDocument.PkFor(account.Ns, provider, subject),
            Ns = account.Ns,
            EmailKey = EmailAddress.Key(account.Email),
        }, new PartitionKey(ExternalLoginDocument.PkFor(account.Ns, provider, subject)), cancellationToken: cancellationToken);
        var login = provider + ":" + subject;
        if (!account.ExternalLogins.Contains(login))
        {
            await container.PatchItemAsync<AccountDocument>(account.Id, new PartitionKey(account.Pk),
                [PatchOperation.Add("/externalLogins/-", login)], cancellationToken: cancellationToken);
        }
    }
}
