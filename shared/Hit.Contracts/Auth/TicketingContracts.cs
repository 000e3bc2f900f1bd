using System.Text.Json.Serialization;

namespace Hit.Contracts.Auth;

// The ticketing seed's own wire shapes (its routes answer {errors:[…]} instead of ProblemDetails).

/// <summary><c>POST /api/users/signup</c> and <c>/api/users/signin</c>.</summary>
public sealed record TicketingCredentials(string? Email, string? Password);

/// <summary>The user as the ticketing seed shows it.</summary>
public sealed record TicketingUser(string Id, string Email);

/// <summary>Sign-up/sign-in answer: the user and an access token.</summary>
public sealed record TicketingAuthResponse(TicketingUser User, string Token);

/// <summary><c>GET /api/users/currentuser</c>: null when the caller has no valid session.</summary>
public sealed record TicketingCurrentUserResponse(TicketingUser? CurrentUser);

/// <summary>One error; <see cref="Field"/> names the offending input when there is one (and is absent, not null, otherwise, as in the seed).</summary>
public sealed record TicketingError(
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null);

/// <summary>The seed's error envelope.</summary>
public sealed record TicketingErrorResponse(IReadOnlyList<TicketingError> Errors);
