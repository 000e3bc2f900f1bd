using System.Text.Json;
using Hit.Resumes.Resumes;

namespace Hit.Resumes.Tests;

/// <summary>The body rules in-process, where the HTTP tests would be slow to cover every edge.</summary>
public sealed class ResumeInputTests
{
    private static (ResumeFields? Fields, string? Field) Parse(string json, bool create)
    {
        using var document = JsonDocument.Parse(json);
        var (fields, problem) = ResumeInput.Parse(document.RootElement, create);
        return (fields, problem is null ? null : (string?)problem.ProblemDetails.Extensions["field"]);
    }

    [Fact]
    public void Update_DistinguishesAttachmentNullFromAbsent()
    {
        var (removed, _) = Parse("""{"attachment_file_id":null}""", create: false);
        var (untouched, _) = Parse("""{"title":"x"}""", create: false);

        Assert.True(removed!.AttachmentSet);
        Assert.Null(removed.AttachmentFileId);
        Assert.False(untouched!.AttachmentSet);
    }

    [Fact]
    public void Lengths_CountTextElements_NotUtf16Units()
    {
        // 200 family emoji are 200 characters to a person (and 2,200 UTF-16 units).
        var title = string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 200));

        Assert.Null(Parse(JsonSerializer.Serialize(new { title }), create: true).Field);
        Assert.Equal("title", Parse(JsonSerializer.Serialize(new { title = title + "x" }), create: true).Field);
    }

    [Fact]
    public void Skills_AreComparedFolded_ButKeptAsWritten()
    {
        var (fields, _) = Parse("""{"title":"x","skills":["  C# ","ＡＷＳ"]}""", create: true);

        Assert.Equal(["C#", "ＡＷＳ"], fields!.Skills);
        Assert.Equal(["c#", "aws"], ResumeInput.SkillKeys(fields.Skills!));
        Assert.Equal("skills[1]", Parse("""{"title":"x","skills":["AWS","ａｗｓ"]}""", create: true).Field);
    }

    [Fact]
    public void MultilineFields_KeepNewlines_SingleLineFieldsRefuseThem()
    {
        Assert.Null(Parse("""{"title":"x","experience":"line 1\nline 2\ttabbed"}""", create: true).Field);
        Assert.Equal("title", Parse("""{"title":"x\ny"}""", create: true).Field);
    }

    [Fact]
    public void DuplicateProperty_IsRefused()
    {
        Assert.Equal("title", Parse("""{"title":"a","title":"b"}""", create: true).Field);
    }
}
