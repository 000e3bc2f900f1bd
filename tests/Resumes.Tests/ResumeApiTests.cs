using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hit.Contracts;
using Hit.Contracts.Resumes;

namespace Hit.Resumes.Tests;

/// <summary>The seed's seven cases (health, readiness, create, get, update, delete, list) and the rules around them.</summary>
[Collection(ResumesCollection.Name)]
public sealed class ResumeApiTests(ResumesFixture app)
{
    private static readonly object Sample = new
    {
        title = "Backend engineer",
        summary = "Ten years of C#.",
        skills = new[] { "C#", "Azure", "Cosmos DB" },
        experience = "Hit Platform, 2024–2026",
        education = "BSc Computer Science",
    };

    [Fact]
    public async Task Health_AndReadiness_Answer200()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
        using var ready = await client.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (string?)(await ready.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
    }

    [Fact]
    public async Task Create_ReturnsTheResume_OwnedByTheTokensSubject_WithLocationAndETag()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");

        using var response = await alice.PostAsJsonAsync("resumes", Sample);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var resume = await Read(response);
        Assert.Matches("^[0-9a-f]{32}$", resume.Id);
        Assert.Equal("alice", resume.UserId);
        Assert.Equal("Backend engineer", resume.Title);
        Assert.Equal(["C#", "Azure", "Cosmos DB"], resume.Skills);
        Assert.False(resume.Published);
        Assert.Equal($"/resumes/{resume.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(resume.ETag, response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Get_OwnerReadsADraft_OthersOnlyOnceItIsPublished()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        using var bob = app.Client(ns, "bob");
        var draft = await CreateAsync(alice, Sample);

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"resumes/{draft.Id}")).StatusCode);
        await AssertProblem(await bob.GetAsync($"resumes/{draft.Id}"), HttpStatusCode.NotFound, "resume_not_found");

        await alice.PutAsJsonAsync($"resumes/{draft.Id}", new { published = true });

        using var published = await bob.GetAsync($"resumes/{draft.Id}");
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("alice", (await Read(published)).UserId);
    }

    [Fact]
    public async Task Update_IsPartial_OnlyTheFieldsSentChange()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var created = await CreateAsync(alice, Sample);

        using var response = await alice.PutAsJsonAsync($"resumes/{created.Id}", new { title = "Staff engineer", skills = new[] { "Go" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await Read(response);
        Assert.Equal("Staff engineer", updated.Title);
        Assert.Equal(["Go"], updated.Skills);
        Assert.Equal(created.Summary, updated.Summary);
        Assert.Equal(created.Experience, updated.Experience);
        Assert.Equal(created.Education, updated.Education);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
        Assert.NotEqual(created.ETag, updated.ETag);
        Same(updated, await Read(await alice.GetAsync($"resumes/{created.Id}")));
    }

    [Fact]
    public async Task Delete_RemovesIt()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var created = await CreateAsync(alice, Sample);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"resumes/{created.Id}")).StatusCode);

        await AssertProblem(await alice.GetAsync($"resumes/{created.Id}"), HttpStatusCode.NotFound, "resume_not_found");
        await AssertProblem(await alice.DeleteAsync($"resumes/{created.Id}"), HttpStatusCode.NotFound, "resume_not_found");
    }

    [Fact]
    public async Task List_PagesNewestFirst_EveryResumeOnce()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateAsync(alice, new { title = $"Resume {i}" })).Id);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await alice.GetFromJsonAsync($"resumes?page_size=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", HitJsonContext.Default.ResumePage))!;
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(r => r.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task List_FiltersBySkill_IgnoringCase_AndShowsOthersOnlyPublishedResumes()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        using var bob = app.Client(ns, "bob");
        var azure = await CreateAsync(alice, new { title = "Cloud", skills = new[] { "Azure", "Bicep" }, published = true });
        await CreateAsync(alice, new { title = "Draft cloud", skills = new[] { "azure" } });
        await CreateAsync(alice, new { title = "Frontend", skills = new[] { "React" }, published = true });

        var mine = (await alice.GetFromJsonAsync("resumes?skill=AZURE", HitJsonContext.Default.ResumePage))!;
        var theirs = (await bob.GetFromJsonAsync("resumes?skill=azure", HitJsonContext.Default.ResumePage))!;

        Assert.Equal(["Draft cloud", "Cloud"], mine.Items.Select(r => r.Title));
        Assert.Equal([azure.Id], theirs.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task ListByUser_TheUserSeesAll_OthersSeeThePublishedOnes()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        using var bob = app.Client(ns, "bob");
        var published = await CreateAsync(alice, new { title = "Public", published = true });
        var draft = await CreateAsync(alice, new { title = "Draft" });
        await CreateAsync(bob, new { title = "Bob's", published = true });

        var own = (await alice.GetFromJsonAsync("resumes/user/alice", HitJsonContext.Default.ResumePage))!;
        var seenByBob = (await bob.GetFromJsonAsync("resumes/user/alice", HitJsonContext.Default.ResumePage))!;

        Assert.Equal([draft.Id, published.Id], own.Items.Select(r => r.Id));
        Assert.Equal([published.Id], seenByBob.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task Tenancy_ComesFromTheToken_OtherNamespacesSeeNothing()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var published = await CreateAsync(alice, new { title = "Public", published = true });
        using var stranger = app.Client(ResumesFixture.NewNamespace(), "alice");

        await AssertProblem(await stranger.GetAsync($"resumes/{published.Id}"), HttpStatusCode.NotFound, "resume_not_found");
        Assert.Empty((await stranger.GetFromJsonAsync("resumes", HitJsonContext.Default.ResumePage))!.Items);

        // A token used with another namespace's header is refused, not moved into that namespace.
        using var mixed = new HttpRequestMessage(HttpMethod.Get, $"resumes/{published.Id}");
        mixed.Headers.Add("X-Hit-Namespace", ResumesFixture.NewNamespace());
        await AssertProblem(await alice.SendAsync(mixed), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task WithoutAToken_EveryFunctionIs401()
    {
        using var anonymous = app.Client(ResumesFixture.NewNamespace(), userId: null);
        var id = new string('a', 32);

        await AssertProblem(await anonymous.PostAsJsonAsync("resumes", Sample), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await anonymous.GetAsync("resumes"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await anonymous.GetAsync($"resumes/{id}"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await anonymous.GetAsync("resumes/user/alice"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await anonymous.PutAsJsonAsync($"resumes/{id}", new { title = "x" }), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await anonymous.DeleteAsync($"resumes/{id}"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task OnlyTheOwner_ChangesOrDeletes()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        using var bob = app.Client(ns, "bob");
        var published = await CreateAsync(alice, new { title = "Public", published = true });
        var draft = await CreateAsync(alice, new { title = "Draft" });

        await AssertProblem(await bob.PutAsJsonAsync($"resumes/{published.Id}", new { title = "Mine now" }), HttpStatusCode.Forbidden, "not_owner");
        await AssertProblem(await bob.DeleteAsync($"resumes/{published.Id}"), HttpStatusCode.Forbidden, "not_owner");
        // A draft does not even exist for bob.
        await AssertProblem(await bob.PutAsJsonAsync($"resumes/{draft.Id}", new { title = "Mine now" }), HttpStatusCode.NotFound, "resume_not_found");
        await AssertProblem(await bob.DeleteAsync($"resumes/{draft.Id}"), HttpStatusCode.NotFound, "resume_not_found");

        Assert.Equal("Public", (await Read(await alice.GetAsync($"resumes/{published.Id}"))).Title);
        Assert.Equal("Draft", (await Read(await alice.GetAsync($"resumes/{draft.Id}"))).Title);
    }

    [Fact]
    public async Task UserIdInTheBody_MustBeTheCallersOwn()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");

        await AssertProblem(await alice.PostAsJsonAsync("resumes", new { user_id = "bob", title = "Forged" }), HttpStatusCode.Forbidden, "user_mismatch", "user_id");
        var own = await CreateAsync(alice, new { user_id = "alice", title = "Mine" });

        Assert.Equal("alice", own.UserId);
        Assert.Equal([own.Id], (await alice.GetFromJsonAsync("resumes", HitJsonContext.Default.ResumePage))!.Items.Select(r => r.Id));
    }

    [Fact]
    public async Task StaleIfMatch_Is412_AndChangesNothing_CurrentIfMatchApplies()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var v1 = await CreateAsync(alice, Sample);
        var v2 = await Read(await alice.PutAsJsonAsync($"resumes/{v1.Id}", new { title = "Second" }));

        using var stalePut = new HttpRequestMessage(HttpMethod.Put, $"resumes/{v1.Id}") { Content = JsonContent.Create(new { title = "Lost update" }) };
        stalePut.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(v1.ETag));
        using var refused = await alice.SendAsync(stalePut);
        await AssertProblem(refused, HttpStatusCode.PreconditionFailed, "precondition_failed", "If-Match");
        Assert.Equal(v2.ETag, refused.Headers.ETag!.Tag);

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"resumes/{v1.Id}");
        staleDelete.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(v1.ETag));
        await AssertProblem(await alice.SendAsync(staleDelete), HttpStatusCode.PreconditionFailed, "precondition_failed", "If-Match");
        Same(v2, await Read(await alice.GetAsync($"resumes/{v1.Id}")));

        using var currentPut = new HttpRequestMessage(HttpMethod.Put, $"resumes/{v1.Id}") { Content = JsonContent.Create(new { title = "Third" }) };
        currentPut.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(v2.ETag));
        var v3 = await Read(await alice.SendAsync(currentPut));
        Assert.Equal("Third", v3.Title);

        using var currentDelete = new HttpRequestMessage(HttpMethod.Delete, $"resumes/{v1.Id}");
        currentDelete.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(v3.ETag));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.SendAsync(currentDelete)).StatusCode);
    }

    [Fact]
    public async Task ConcurrentPartialUpdates_WithoutIfMatch_LoseNothing()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var created = await CreateAsync(alice, new { title = "Start" });
        object[] changes =
        [
            new { title = "T" }, new { summary = "S" }, new { experience = "E" }, new { education = "D" },
            new { skills = new[] { "K" } }, new { published = true },
        ];

        var answers = await Task.WhenAll(changes.Select(c => alice.PutAsJsonAsync($"resumes/{created.Id}", c)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var final = await Read(await alice.GetAsync($"resumes/{created.Id}"));
        Assert.Equal(("T", "S", "E", "D", true), (final.Title, final.Summary, final.Experience, final.Education, final.Published));
        Assert.Equal(["K"], final.Skills);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { """{"summary":"no title"}""", "title", "validation_failed" },
        { """{"title":"   "}""", "title", "validation_failed" },
        { "{\"title\":\"" + new string('x', 201) + "\"}", "title", "validation_failed" },
        { """{"title":"a\u0007b"}""", "title", "validation_failed" },
        { """{"title":42}""", "title", "validation_failed" },
        { """{"title":"x","colour":"blue"}""", "colour", "validation_failed" },
        { """{"title":"x","skills":"C#"}""", "skills", "validation_failed" },
        { """{"title":"x","skills":["C#","c#"]}""", "skills[1]", "validation_failed" },
        { """{"title":"x","skills":["C#",7]}""", "skills[1]", "validation_failed" },
        { """{"title":"x","skills":[""]}""", "skills[0]", "validation_failed" },
        { "{\"title\":\"x\",\"skills\":[" + string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"s{i}\"")) + "]}", "skills", "validation_failed" },
        { """{"title":"x","published":"yes"}""", "published", "validation_failed" },
        { """{"title":"x","attachment_file_id":"../etc"}""", "attachment_file_id", "validation_failed" },
        { """{"title":"x","summary":null}""", "summary", "validation_failed" },
        { """{"title":"x",""", "body", "bad_request" },
        { """["title"]""", "body", "validation_failed" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInput_Is400NamingTheField_AndStoresNothing(string body, string field, string code)
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");

        using var response = await alice.PostAsync("resumes", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest, code, field);
        Assert.Empty((await alice.GetFromJsonAsync("resumes", HitJsonContext.Default.ResumePage))!.Items);
    }

    [Fact]
    public async Task BadUpdates_AreRefused_AndTheResumeIsUnchanged()
    {
        var ns = ResumesFixture.NewNamespace();
        using var alice = app.Client(ns, "alice");
        var created = await CreateAsync(alice, Sample);

        await AssertProblem(await alice.PutAsync($"resumes/{created.Id}", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "validation_failed", "body");
        await AssertProblem(await alice.PutAsJsonAsync($"resumes/{created.Id}", new { user_id = "alice" }), HttpStatusCode.BadRequest, "validation_failed", "user_id");
        await AssertProblem(await alice.PutAsJsonAsync($"resumes/{created.Id}", new { title = "ok", skills = new[] { "A", "a" } }), HttpStatusCode.BadRequest, "validation_failed", "skills[1]");
        using var notJson = await alice.PutAsync($"resumes/{created.Id}", new StringContent("title=x", Encoding.UTF8, "text/plain"));
        Assert.Equal("application/json", notJson.Headers.GetValues("Accept-Post").Single());
        await AssertProblem(notJson, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        using var badIfMatch = new HttpRequestMessage(HttpMethod.Put, $"resumes/{created.Id}") { Content = JsonContent.Create(new { title = "x" }) };
        badIfMatch.Headers.TryAddWithoutValidation("If-Match", "not-an-etag");
        await AssertProblem(await alice.SendAsync(badIfMatch), HttpStatusCode.BadRequest, "validation_failed", "If-Match");

        Same(created, await Read(await alice.GetAsync($"resumes/{created.Id}")));
    }

    [Fact]
    public async Task OversizedBody_Is413_ChunkedToo()
    {
        using var alice = app.Client(ResumesFixture.NewNamespace(), "alice");
        var huge = "{\"title\":\"x\",\"summary\":\"" + new string('a', 70_000) + "\"}";

        await AssertProblem(await alice.PostAsync("resumes", new StringContent(huge, Encoding.UTF8, "application/json")), HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "body");
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "resumes") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await AssertProblem(await alice.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "body");
    }

    [Theory]
    [InlineData("resumes?page_size=0", "page_size", "validation_failed")]
    [InlineData("resumes?page_size=101", "page_size", "validation_failed")]
    [InlineData("resumes?page_size=ten", "page_size", "validation_failed")]
    [InlineData("resumes?cursor=bm90LWEtY3Vyc29y", "cursor", "invalid_cursor")]
    [InlineData("resumes?skill=", "skill", "validation_failed")]
    public async Task BadListingParameters_Are400NamingTheParameter(string path, string field, string code)
    {
        using var alice = app.Client(ResumesFixture.NewNamespace(), "alice");

        await AssertProblem(await alice.GetAsync(path), HttpStatusCode.BadRequest, code, field);
    }

    [Fact]
    public async Task NotAResumeId_Is404_WithoutAStoreRead()
    {
        using var alice = app.Client(ResumesFixture.NewNamespace(), "alice");

        await AssertProblem(await alice.GetAsync("resumes/not-an-id"), HttpStatusCode.NotFound, "resume_not_found");
    }

    internal static async Task<ResumeResponse> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("resumes", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await Read(response);
    }

    internal static async Task<ResumeResponse> Read(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(HitJsonContext.Default.ResumeResponse))!;
    }

    /// <summary>Records hold lists (compared by reference), so resumes are compared by their JSON.</summary>
    internal static void Same(ResumeResponse expected, ResumeResponse actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, HitJsonContext.Default.ResumeResponse), JsonSerializer.Serialize(actual, HitJsonContext.Default.ResumeResponse));

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(code, (string?)problem["code"]);
        if (field is not null)
        {
            Assert.Equal(field, (string?)problem["field"]);
        }
    }
}
