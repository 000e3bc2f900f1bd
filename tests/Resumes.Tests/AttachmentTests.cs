using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static Hit.Resumes.Tests.ResumeApiTests;

namespace Hit.Resumes.Tests;

/// <summary>A resume's PDF lives in the Files app; the link is checked there, with the caller's own token.</summary>
[Collection(ResumesCollection.Name)]
public sealed class AttachmentTests(ResumesFixture app)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    [Fact]
    public async Task APdfUploadedByTheCaller_CanBeLinked_AndUnlinked()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var fileId = await UploadAsync(ns, "alice", Pdf, "cv.pdf");

        var linked = await CreateAsync(alice, new { title = "With CV", attachment_file_id = fileId });
        Assert.Equal(fileId, linked.AttachmentFileId);

        var unlinked = await Read(await alice.PutAsJsonAsync($"resumes/{linked.Id}", new JsonObject { ["attachment_file_id"] = null }));
        Assert.Null(unlinked.AttachmentFileId);
        Assert.Equal("With CV", unlinked.Title);
    }

    [Fact]
    public async Task AFileThatIsNotAPdf_IsRefused_WhateverItsNameSays()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var text = await UploadAsync(ns, "alice", Encoding.UTF8.GetBytes("just text, not a PDF"), "cv.pdf");

        await AssertProblem(await alice.PostAsJsonAsync("resumes", new { title = "x", attachment_file_id = text }), HttpStatusCode.BadRequest, "attachment_not_pdf", "attachment_file_id");
    }

    [Fact]
    public async Task AnUnknownFile_OrOneInAnotherNamespace_IsNotFound_AndNothingIsStored()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var elsewhere = await UploadAsync(ResumesFixture.NewNamespace(), "mallory", Pdf, "theirs.pdf");
        var created = await CreateAsync(alice, new { title = "Plain" });

        await AssertProblem(await alice.PostAsJsonAsync("resumes", new { title = "x", attachment_file_id = new string('0', 32) }), HttpStatusCode.BadRequest, "attachment_not_found", "attachment_file_id");
        await AssertProblem(await alice.PostAsJsonAsync("resumes", new { title = "x", attachment_file_id = elsewhere }), HttpStatusCode.BadRequest, "attachment_not_found", "attachment_file_id");
        await AssertProblem(await alice.PutAsJsonAsync($"resumes/{created.Id}", new { attachment_file_id = elsewhere }), HttpStatusCode.BadRequest, "attachment_not_found", "attachment_file_id");

        var page = (await alice.GetFromJsonAsync("resumes", Hit.Contracts.HitJsonContext.Default.ResumePage))!;
        Assert.Equal([created.Id], page.Items.Select(r => r.Id));
        Assert.Null(page.Items[0].AttachmentFileId);
    }

    [Fact]
    public async Task AnotherUsersPrivatePdf_InTheSameNamespace_CannotBeLinked_APublicOneCan()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var bobsPrivate = await UploadAsync(ns, "bob", Pdf, "bob.pdf");
        var bobsPublic = await UploadAsync(ns, "bob", Pdf, "bob-public.pdf", isPublic: true);

        // The Files app answers with alice's token, so she links only what she could read herself.
        await AssertProblem(await alice.PostAsJsonAsync("resumes", new { title = "x", attachment_file_id = bobsPrivate }), HttpStatusCode.BadRequest, "attachment_not_found", "attachment_file_id");
        var linked = await CreateAsync(alice, new { title = "Cites bob", attachment_file_id = bobsPublic });
        Assert.Equal(bobsPublic, linked.AttachmentFileId);
    }

    private async Task<string> UploadAsync(string ns, string userId, byte[] content, string name, bool isPublic = false)
    {
        using var files = app.FilesClient(ns, userId);
        using var form = new MultipartFormDataContent();
        if (isPublic)
        {
            form.Add(new StringContent("true"), "public");
        }

        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(part, "file", name);
        using var response = await files.PostAsync("files/upload", form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }
}
