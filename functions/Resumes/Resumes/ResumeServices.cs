using Hit.Platform.Cosmos;
using Hit.Platform.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hit.Resumes.Resumes;

/// <summary>Stable problem codes of the resume API (next to the platform's <c>ProblemCodes</c>).</summary>
internal static class ResumeProblemCodes
{
    public const string ResumeNotFound = "resume_not_found";
    public const string NotOwner = "not_owner";
    public const string UserMismatch = "user_mismatch";
    public const string InvalidCursor = "invalid_cursor";
    public const string AttachmentNotFound = "attachment_not_found";
    public const string AttachmentNotPdf = "attachment_not_pdf";
    public const string AttachmentsDisabled = "attachments_disabled";
    public const string ConcurrentUpdates = "concurrent_updates";
}

internal static class ResumeServices
{
    public const string ContainerName = "resumes";

    /// <summary>The resumes' Cosmos container, its readiness check, and the store the functions use.</summary>
    public static IServiceCollection AddResumes(this IServiceCollection services)
    {
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, ResumeJsonContext.Default));
        services.AddHitCosmosContainer(ContainerName);
        services.AddHealthChecks().AddHitCosmosCheck(tags: HealthEndpoints.ReadyTag);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ResumeStore>();
        return services;
    }
}
