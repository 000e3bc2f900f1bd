using System.Net;
using System.Text.Json;
using Hit.Contracts;
using Hit.Contracts.Directory;
using Hit.Sdk;

namespace Hit.Directory.Tests;

/// <summary>The user API driven through the SDK (signed v2) against the real Cosmos server.</summary>
[Collection(DirectoryCollection.Name)]
public sealed class UserApiTests(DirectoryFactory factory)
{
    [Fact]
    public async Task CreateUser_ThenEveryLookup_ReturnsTheSameUser()
    {
        var ns = DirectoryFactory.NewNamespace();
        await using var sdk = factory.Sdk(ns);
        var request = TestUsers.New(born: new DateOnly(2001, 2, 3));

        var created = await sdk.CreateUserAsync(request);

        Assert.Equal(32, created.Id.Length);
        Assert.Equal((request.UserId, request.GuildId, request.RealName, request.Email, ns), (created.UserId, created.GuildId, created.RealName, created.Email, created.Namespace));
        Assert.Equal(new DateOnly(2001, 2, 3), created.DateOfBirth);
        Assert.Equal("NTU", created.Profile["school"].GetString());
        Assert.Equal(created.Id, (await sdk.GetUserAsync(created.Id)).Id);
        Assert.Equal(created.Id, (await sdk.GetUserByEmailAsync(request.Email!.ToUpperInvariant())).Id);
        Assert.Equal(created.Id, (await sdk.GetUserByDiscordAsync(request.UserId!, request.GuildId!)).Id);
    }

    [Fact]
    public async Task CreateUser_EmailTakenInAnyCase_Returns409EmailTaken()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var first = await sdk.CreateUserAsync(TestUsers.New());

        var error = await Assert.ThrowsAsync<HitConflictException>(() => sdk.CreateUserAsync(TestUsers.New(email: first.Email.ToUpperInvariant())));

        Assert.Equal("email_taken", error.Code);
        Assert.Equal("email", error.Field);
    }

    [Fact]
    public async Task CreateUser_SameDiscordUserAndGuild_Returns409_ButAnotherGuildIsFine()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var first = await sdk.CreateUserAsync(TestUsers.New());

        var error = await Assert.ThrowsAsync<HitConflictException>(() => sdk.CreateUserAsync(TestUsers.New(guildId: first.GuildId) with { UserId = first.UserId }));
        var otherGuild = await sdk.CreateUserAsync(TestUsers.New() with { UserId = first.UserId });

        Assert.Equal("discord_account_taken", error.Code);
        Assert.Equal(first.UserId, otherGuild.UserId);
    }

    [Fact]
    public async Task CreateUser_DiscordConflict_LeavesTheEmailFree()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var first = await sdk.CreateUserAsync(TestUsers.New());
        var refused = TestUsers.New(guildId: first.GuildId) with { UserId = first.UserId };

        await Assert.ThrowsAsync<HitConflictException>(() => sdk.CreateUserAsync(refused));
        // The refused create had claimed its e-mail first; it must have released it.
        var retried = await sdk.CreateUserAsync(TestUsers.New(email: refused.Email));

        Assert.Equal(refused.Email, retried.Email);
    }

    [Fact]
    public async Task CreateUser_20ConcurrentWithOneEmail_ExactlyOneWins()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var email = $"race-{Guid.NewGuid():N}@example.com";
        var requests = Enumerable.Range(0, 20).Select(_ => TestUsers.New(email: email)).ToList();

        var outcomes = await Task.WhenAll(requests.Select(async r =>
        {
            try
            {
                return (await sdk.CreateUserAsync(r)).UserId;
            }
            catch (HitConflictException ex) when (ex.Code == "email_taken")
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, (await sdk.GetUserByEmailAsync(email)).UserId);
        // The losers' Discord claims were released: each of their identities can register with another e-mail.
        var loser = requests.First(r => r.UserId != winner);
        Assert.Equal(loser.UserId, (await sdk.CreateUserAsync(loser with { Email = $"late-{Guid.NewGuid():N}@example.com" })).UserId);
    }

    [Fact]
    public async Task CreateUser_20ConcurrentWithOneDiscordPair_ExactlyOneWins()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var template = TestUsers.New();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return await sdk.CreateUserAsync(TestUsers.New(guildId: template.GuildId) with { UserId = template.UserId });
            }
            catch (HitConflictException)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner!.Id, (await sdk.GetUserByDiscordAsync(template.UserId!, template.GuildId!)).Id);
    }

    [Fact]
    public async Task Lookups_UnknownUser_Return404UserNotFound()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());

        var byId = await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserAsync(Guid.NewGuid().ToString("N")));
        var byMalformedId = await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserAsync("email|x"));
        var byEmail = await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserByEmailAsync("nobody@example.com"));
        var byDiscord = await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserByDiscordAsync("1", "2"));
        var update = await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.UpdateUserAsync(Guid.NewGuid().ToString("N"), new UpdateUserRequest { RealName = "X" }));
        var delete = await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.DeleteUserAsync(Guid.NewGuid().ToString("N")));

        Assert.All([byId, byMalformedId, byEmail, byDiscord, update, delete], e => Assert.Equal("user_not_found", e.Code));
    }

    [Fact]
    public async Task UpdateUser_ChangesEmailAndProfile_OldEmailIsFreed()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var user = await sdk.CreateUserAsync(TestUsers.New());
        var newEmail = $"new-{Guid.NewGuid():N}@example.com";

        var updated = await sdk.UpdateUserAsync(user.Id, new UpdateUserRequest
        {
            Email = newEmail,
            RealName = "Renamed",
            Profile = new() { ["year"] = JsonSerializer.SerializeToElement(3), ["school"] = JsonSerializer.SerializeToElement<object?>(null), ["team"] = JsonSerializer.SerializeToElement("red") },
        });

        Assert.Equal((newEmail, "Renamed", user.UserId, user.CreatedAt), (updated.Email, updated.RealName, updated.UserId, updated.CreatedAt));
        Assert.Equal(["team", "year"], updated.Profile.Keys.Order());
        Assert.Equal(3, updated.Profile["year"].GetInt32());
        Assert.True(updated.UpdatedAt >= user.UpdatedAt);
        Assert.Equal(user.Id, (await sdk.GetUserByEmailAsync(newEmail)).Id);
        await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserByEmailAsync(user.Email));
        Assert.Equal(user.Email, (await sdk.CreateUserAsync(TestUsers.New(email: user.Email))).Email);
    }

    [Fact]
    public async Task UpdateUser_ToATakenEmail_Returns409AndChangesNothing()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var a = await sdk.CreateUserAsync(TestUsers.New());
        var b = await sdk.CreateUserAsync(TestUsers.New());

        var error = await Assert.ThrowsAsync<HitConflictException>(() => sdk.UpdateUserAsync(b.Id, new UpdateUserRequest { Email = a.Email, RealName = "Changed" }));

        Assert.Equal("email_taken", error.Code);
        var unchanged = await sdk.GetUserAsync(b.Id);
        Assert.Equal((b.Email, b.RealName), (unchanged.Email, unchanged.RealName));
        Assert.Equal(a.Id, (await sdk.GetUserByEmailAsync(a.Email)).Id);
    }

    [Fact]
    public async Task DeleteUser_RemovesItAndFreesItsUniqueValues()
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var request = TestUsers.New();
        var user = await sdk.CreateUserAsync(request);

        await sdk.DeleteUserAsync(user.Id);

        await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserAsync(user.Id));
        await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserByEmailAsync(user.Email));
        await Assert.ThrowsAsync<HitNotFoundException>(() => sdk.GetUserByDiscordAsync(user.UserId, user.GuildId));
        Assert.NotEqual(user.Id, (await sdk.CreateUserAsync(request)).Id);
    }

    [Theory]
    [InlineData("email", "{\"user_id\":\"1\",\"guild_id\":\"2\",\"real_name\":\"A\"}")]
    [InlineData("email", "{\"user_id\":\"1\",\"guild_id\":\"2\",\"real_name\":\"A\",\"email\":\"not-an-email\"}")]
    [InlineData("user_id", "{\"guild_id\":\"2\",\"real_name\":\"A\",\"email\":\"a@b.co\"}")]
    [InlineData("guild_id", "{\"user_id\":\"1\",\"guild_id\":\"has space\",\"real_name\":\"A\",\"email\":\"a@b.co\"}")]
    [InlineData("real_name", "{\"user_id\":\"1\",\"guild_id\":\"2\",\"real_name\":\"  \",\"email\":\"a@b.co\"}")]
    [InlineData("date_of_birth", "{\"user_id\":\"1\",\"guild_id\":\"2\",\"real_name\":\"A\",\"email\":\"a@b.co\",\"date_of_birth\":\"2999-01-01\"}")]
    public async Task CreateUser_InvalidInput_Returns400NamingTheField(string field, string json)
    {
        await using var sdk = factory.Sdk(DirectoryFactory.NewNamespace());
        var request = JsonSerializer.Deserialize(json, HitJsonContext.Default.CreateUserRequest)!;

        var error = await Assert.ThrowsAsync<HitValidationException>(() => sdk.CreateUserAsync(request));

        Assert.Equal((HttpStatusCode.BadRequest, "validation_failed", field), (error.StatusCode, error.Code, error.Field));
    }

    [Fact]
    public async Task Users_AreIsolatedPerNamespace()
    {
        await using var tenantA = factory.Sdk(DirectoryFactory.NewNamespace());
        await using var tenantB = factory.Sdk(DirectoryFactory.NewNamespace());
        var request = TestUsers.New();
        var user = await tenantA.CreateUserAsync(request);

        await Assert.ThrowsAsync<HitNotFoundException>(() => tenantB.GetUserAsync(user.Id));
        await Assert.ThrowsAsync<HitNotFoundException>(() => tenantB.GetUserByEmailAsync(user.Email));
        await Assert.ThrowsAsync<HitNotFoundException>(() => tenantB.UpdateUserAsync(user.Id, new UpdateUserRequest { RealName = "Hijacked" }));
        await Assert.ThrowsAsync<HitNotFoundException>(() => tenantB.DeleteUserAsync(user.Id));
        Assert.Empty((await tenantB.QueryUsersAsync(new UserQuery { GuildId = user.GuildId })).Items);
        // The same e-mail and Discord pair are free in the other tenant.
        Assert.Equal(user.Email, (await tenantB.CreateUserAsync(request)).Email);
        Assert.Equal(user.RealName, (await tenantA.GetUserAsync(user.Id)).RealName);
    }
}
