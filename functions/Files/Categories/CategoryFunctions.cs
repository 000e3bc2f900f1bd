using Hit.Contracts.Files;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Hit.Files.Categories;

/// <summary>Hierarchical categories per namespace — each endpoint one Azure Function.</summary>
internal static class CategoryFunctions
{
    public static IServiceCollection AddCategories(this IServiceCollection services)
    {
        Slugger.EnsureNormalizationAvailable();

        // The container itself is registered once by AddFilesCore; this only adds the document types.
        services.AddHitCosmos(json => json.TypeInfoResolverChain.Insert(0, CategoryDocumentsJsonContext.Default));
        services.AddSingleton<SlugReservations>();
        services.AddSingleton<TreeLock>();
        services.AddSingleton<CategoryStore>();

        // A tree nests two JSON levels per category level (object + children array); at the deepest allowed
        // Files:MaxCategoryDepth (32) that passes the serializer's default limit of 64.
        services.Configure<HttpJsonOptions>(o => o.SerializerOptions.MaxDepth = Math.Max(o.SerializerOptions.MaxDepth, 128));
        return services;
    }

    public static IEndpointRouteBuilder MapCategoryFunctions(this IEndpointRouteBuilder app)
    {
        var categories = app.MapGroup("/categories").WithTags("Categories");
        categories.MapPost("/", CreateCategory).WithName(nameof(CreateCategory))
            .WithSummary("Creates a category; its slug is unique among its siblings.").ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        categories.MapGet("/", ListCategories).WithName(nameof(ListCategories))
            .WithSummary("Lists the namespace's categories, flat or (?tree=true) nested.");
        categories.MapGet("/{id}", GetCategory).WithName(nameof(GetCategory))
            .WithSummary("Reads a category.").ProducesProblem(404);
        categories.MapPut("/{id}", UpdateCategory).WithName(nameof(UpdateCategory))
            .WithSummary("Replaces a category's title and parent; a new parent moves its whole subtree.").ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        categories.MapDelete("/{id}", DeleteCategory).WithName(nameof(DeleteCategory))
            .WithSummary("Deletes a category that has no children.").ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    internal static async Task<Results<Created<CategoryResponse>, ProblemHttpResult>> CreateCategory(
        CreateCategoryRequest request, TenantNamespace ns, CategoryStore store, IOptions<FilesOptions> options, CancellationToken cancellationToken)
    {
        var (title, error) = CategoryValidation.Title(request.Title);
        if (title is null)
        {
            return Problems.BadRequest("title", error!);
        }

        var result = await store.CreateAsync(ns.Value, title, request.ParentId, cancellationToken);
        return result.Outcome == CategoryOutcome.Applied
            ? TypedResults.Created($"/categories/{result.Category!.CategoryId}", result.Category.ToResponse())
            : Refused(result.Outcome, options.Value);
    }

    internal static async Task<Results<Ok<CategoryResponse>, ProblemHttpResult>> GetCategory(
        string id, TenantNamespace ns, CategoryStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(ns.Value, id, cancellationToken) is { } category ? TypedResults.Ok(category.ToResponse()) : NotFound();

    internal static async Task<Ok<CategoryListResponse>> ListCategories(
        TenantNamespace ns, CategoryStore store, CancellationToken cancellationToken, [FromQuery] bool? tree = null)
    {
        var categories = await store.ListAsync(ns.Value, cancellationToken);
        return TypedResults.Ok(new CategoryListResponse(tree == true ? CategoryTree.Nest(categories) : CategoryTree.Flat(categories)));
    }

    internal static async Task<Results<Ok<CategoryResponse>, ProblemHttpResult>> UpdateCategory(
        string id, UpdateCategoryRequest request, TenantNamespace ns, CategoryStore store, IOptions<FilesOptions> options, CancellationToken cancellationToken)
    {
        if (!CategoryValidation.IsCategoryId(id))
        {
            return NotFound();
        }

        var (title, error) = CategoryValidation.Title(request.Title);
        if (title is null)
        {
            return Problems.BadRequest("title", error!);
        }

        var result = await store.UpdateAsync(ns.Value, id, title, request.ParentId, cancellationToken);
        return result.Outcome == CategoryOutcome.Applied ? TypedResults.Ok(result.Category!.ToResponse()) : Refused(result.Outcome, options.Value);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteCategory(
        string id, TenantNamespace ns, CategoryStore store, IOptions<FilesOptions> options, CancellationToken cancellationToken)
    {
        var result = await store.DeleteAsync(ns.Value, id, cancellationToken);
        return result.Outcome == CategoryOutcome.Applied ? TypedResults.NoContent() : Refused(result.Outcome, options.Value);
    }

    private static ProblemHttpResult NotFound() =>
        Problems.NotFound("No category with this id in this namespace.", CategoryProblemCodes.CategoryNotFound);

    private static ProblemHttpResult Refused(CategoryOutcome outcome, FilesOptions options) => outcome switch
    {
        CategoryOutcome.NotFound => NotFound(),
        CategoryOutcome.ParentNotFound => Problems.Create(StatusCodes.Status404NotFound, CategoryProblemCodes.ParentNotFound,
            "parent_id names no category in this namespace.", "parent_id"),
        CategoryOutcome.TooDeep => Problems.BadRequest("parent_id",
            $"Categories nest at most {options.MaxCategoryDepth} levels below a root (the category or its deepest descendant would be deeper).",
            CategoryProblemCodes.TooDeep),
        CategoryOutcome.Cycle => Problems.Conflict("A category cannot move under itself or one of its descendants.", CategoryProblemCodes.Cycle),
        CategoryOutcome.HasChildren => Problems.Conflict("The category has children; move or delete them first.", CategoryProblemCodes.HasChildren),
        CategoryOutcome.LimitReached => Problems.Conflict(
            $"The namespace holds {CategoryStore.MaxCategoriesPerNamespace} categories, the most it may.", CategoryProblemCodes.LimitReached),
        CategoryOutcome.TreeBusy => Problems.Conflict("Another move in this namespace is in progress; retry.", CategoryProblemCodes.TreeBusy),
        _ => throw new InvalidOperationException($"Outcome {outcome} is not a refusal."),
    };
}
