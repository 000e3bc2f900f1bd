namespace Hit.Platform.Worker;

/// <summary>How <see cref="WorkerAuthenticationMiddleware"/> treats a bearer token that does not validate.</summary>
public sealed class WorkerAuthenticationOptions
{
    /// <summary>
    /// Functions that serve anonymous callers and read an unusable token as no token,
    /// instead of the default 401. For contracts that fixed it — the ticketing seed's <c>currentuser</c> answers
    /// <c>null</c> for a bad token — and for sign-in and refresh, which clients call precisely when their token has
    /// expired, often still sending it. Such a function must not trust the namespace header for anything a token
    /// would have decided: the caller is anonymous there.
    /// The platform's catch-all is in it from the start: a 404 or 405 does not depend on who asks.
    /// </summary>
    public ISet<string> AnonymousOnInvalidToken { get; } = new HashSet<string>(StringComparer.Ordinal) { FallbackFunctions.FunctionName };
}
