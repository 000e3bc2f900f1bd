using Hit.Files.Storage;
using Hit.Platform.Auth.Jwt;
using Hit.Platform.Errors;
using Hit.Platform.Tenancy;
using Hit.Platform.Worker;

namespace Hit.Files.Access;

/// <summary>
/// Who may do what with a file. Writes (uploads, upload URLs, completes, sharing changes, deletes) need a Hit access
/// token and act in its namespace as its subject. Reads are the owner's — or anyone's for a public file, where an
/// anonymous caller names the namespace with <c>?ns=</c> (an <c>&lt;img src&gt;</c> or a shared link can carry a query,
/// not a header; the platform refuses an anonymous <c>X-Hit-Namespace</c> in this app).
/// </summary>
internal static class FileCallers
{
    /// <summary>The query parameter that names the namespace of an anonymous read.</summary>
    public const string NamespaceQuery = "ns";

    /// <summary>A reader: the token's user, or anonymous (null) in the namespace the query names.</summary>
    public static bool TryReader(HttpRequest request, TenantNamespace resolved, out HitUser? user, out string ns, out IResult? refusal)
    {
        user = null;
        ns = resolved.Value;
        var query = request.Query[NamespaceQuery].ToString();
        if (query.Length > 0 && !TenantNamespace.IsValid(query))
        {
            refusal = Problems.BadRequest(NamespaceQuery, $"The namespace must match {TenantNamespace.Pattern}.", FileProblemCodes.InvalidNamespace);
            return false;
        }

        if (WorkerUser.Find(request) is null)
        {
            ns = query.Length > 0 ? query : resolved.Value;
            refusal = null;
            return true;
        }

        if (!WorkerUser.TryRequire(request, out user, out refusal))
        {
            return false;
        }

        // Same rule as the header: a token never reads another namespace, and a mismatch is refused so the client notices.
        if (query.Length > 0 && !string.Equals(query, user.Namespace, StringComparison.Ordinal))
        {
            user = null;
            refusal = Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "The token belongs to another namespace than ?ns= names.", NamespaceQuery);
            return false;
        }

        ns = user.Namespace;
        return true;
    }

    /// <summary>The file's owner: only a caller whose <c>sub</c> is the recorded owner (never a file without one).</summary>
    public static bool Owns(FileDocument file, HitUser user) =>
        file.Owner is { } owner && string.Equals(owner, user.Id, StringComparison.Ordinal);

    public static bool CanRead(FileDocument file, HitUser? user) => file.Public || (user is not null && Owns(file, user));
}
