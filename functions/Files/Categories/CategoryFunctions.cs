using Hit.Contracts;
using Hit.Contracts.Files;
using Hit.Platform.Cosmos;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Hit.Platform.Http;

namespace Hit.Files.Categories;

/// <summary>
/// Hierarchical categories per namespace — each endpoint one Azure Function. Every one needs a Hit access token and
/// works in its namespace: categories are the namespace's shared vocabulary, written and read by its users only.
/// </summary>
internal sealed class CategoryFunctions(CategoryStore store, IOptions<FilesOptions> options)
{
    /// <summary>Creates a category; its slug is unique among its siblings.</summary>
    [Function(nameof(CreateCategory))]
    public async Task<IResult> CreateCategory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "categories")] HttpRequest http,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(http, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = new TenantNamespace(user.Namespace);
        var (request, invalid) = await JsonBody.ReadAsync(http, HitJsonContext.Default.CreateCategoryRequest, cancellationToken);
        if (request is null)
        {
            return invalid!.ToProblem();
        }

        var (title, error) = CategoryValidation.Title(request.Title);
        if (title is null)
        {
            return Problems.BadRequest("title", error!);
        }

        var result = await store.CreateAsync(ns.Value, title, request.ParentId, cancellationToken);
        return result.Outcome == CategoryOutcome.Applied
            ? TypedResults.Created(PublicAddress.PathFor(http, $"/categories/{result.Category!.CategoryId}"), result.Category.ToResponse())
            : Refused(result.Outcome, options.Value);
    }

    /// <summary>Reads a category.</summary>
    [Function(nameof(GetCategory))]
    public async Task<IResult> GetCategory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "categories/{id}")] HttpRequest http,
        string id, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(http, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = new TenantNamespace(user.Namespace);
        return await store.GetAsync(ns.Value, id, cancellationToken) is { } category ? TypedResults.Ok(category.ToResponse()) : NotFound();
    }

    /// <summary>Lists the namespace's categories, flat or (<c>?tree=true</c>) nested.</summary>
    [Function(nameof(ListCategories))]
    public async Task<IResult> ListCategories(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "categories")] HttpRequest http,
        CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(http, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = new TenantNamespace(user.Namespace);
        // As minimal APIs bound `bool? tree`: absent is false, anything but a boolean is a 400.
        bool? tree = null;
        if (http.Query.TryGetValue("tree", out var values) && values.ToString() is { Length: > 0 } raw)
        {
            if (!bool.TryParse(raw, out var parsed))
            {
                return Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, $"tree must be true or false, not '{(raw.Length > 16 ? raw[..16] : raw)}'.", "tree");
            }

            tree = parsed;
        }

        var categories = await store.ListAsync(ns.Value, cancellationToken);
        return TypedResults.Ok(new CategoryListResponse(tree == true ? CategoryTree.Nest(categories) : CategoryTree.Flat(categories)));
    }

    /// <summary>Replaces a category's title and parent; a new parent moves its whole subtree.</summary>
    [Function(nameof(UpdateCategory))]
    public async Task<IResult> UpdateCategory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "categories/{id}")] HttpRequest http,
        string id, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(http, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = new TenantNamespace(user.Namespace);
        var (request, invalid) = await JsonBody.ReadAsync(http, HitJsonContext.Default.UpdateCategoryRequest, cancellationToken);
        if (request is null)
        {
            return invalid!.ToProblem();
        }

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

    /// <summary>Deletes a category that has no children.</summary>
    [Function(nameof(DeleteCategory))]
    public async Task<IResult> DeleteCategory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "categories/{id}")] HttpRequest http,
        string id, CancellationToken cancellationToken)
    {
        if (!WorkerUser.TryRequire(http, out var user, out var refusal))
        {
            return refusal;
        }

        var ns = new TenantNamespace(user.Namespace);
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

internal static class CategoryServices
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
}
