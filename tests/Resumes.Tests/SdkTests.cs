using System.Net;
using Hit.Contracts.Resumes;
using Hit.Sdk;
using Hit.Sdk.Resumes;

namespace Hit.Resumes.Tests;

/// <summary>Hit.Sdk's ResumesClient against the running app: the calls, the version check and the error codes.</summary>
[Collection(ResumesCollection.Name)]
public sealed class SdkTests(ResumesFixture app)
{
    private ResumesClient Client(string ns, string userId) => ResumesClient.Create(new HitClientOptions
    {
        BaseAddress = app.BaseAddress,
        AccessTokenProvider = _ => ValueTask.FromResult<string?>(app.Issuer.Token(ns, userId)),
    });

    [Fact]
    public async Task CreateGetUpdateListDelete_RoundTrip()
    {
        var ns = ResumesFixture.NewNamespace();
        await using var alice = Client(ns, "alice");

        var created = await alice.CreateAsync(new CreateResumeRequest("SDK resume", Skills: ["C#", "Azure"], Published: true));
        var read = await alice.GetAsync(created.Id);
        var updated = await alice.UpdateAsync(created.Id, new UpdateResumeRequest(Title: "Renamed"), ifMatch: read.ETag);
        var page = await alice.ListAsync(skill: "azure", pageSize: 10);
        var byUser = await alice.ListByUserAsync("alice");

        Assert.Equal("alice", created.UserId);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal("Renamed", updated.Title);
        Assert.Equal(["C#", "Azure"], updated.Skills);
        Assert.Equal([created.Id], page.Items.Select(r => r.Id));
        Assert.Equal([created.Id], byUser.Items.Select(r => r.Id));

        var linked = await alice.UpdateAsync(created.Id, new UpdateResumeRequest(Summary: "No attachment to remove yet"));
        Assert.Null((await alice.RemoveAttachmentAsync(created.Id, ifMatch: linked.ETag)).AttachmentFileId);

        await alice.DeleteAsync(created.Id);
        var gone = await Assert.ThrowsAsync<HitNotFoundException>(() => alice.GetAsync(created.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("resume_not_found", gone.Code);
    }

    [Fact]
    public async Task StaleVersion_ThrowsPreconditionFailed()
    {
        var ns = ResumesFixture.NewNamespace();
        await using var alice = Client(ns, "alice");
        var created = await alice.CreateAsync(new CreateResumeRequest("v1"));
        await alice.UpdateAsync(created.Id, new UpdateResumeRequest(Title: "v2"));

        var stale = await Assert.ThrowsAnyAsync<HitApiException>(() => alice.UpdateAsync(created.Id, new UpdateResumeRequest(Title: "v3"), ifMatch: created.ETag));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("precondition_failed", stale.Code);
        Assert.Equal("v2", (await alice.GetAsync(created.Id)).Title);
    }
}
