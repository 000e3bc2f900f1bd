namespace Hit.Platform.Cosmos;

/// <summary>How a conditional write ended. Expected races are values, not exceptions.</summary>
public enum WriteOutcome
{
    Applied,
    NotFound,

    /// <summary>ETag mismatch or filter predicate false (HTTP 412).</summary>
    PreconditionFailed,

    /// <summary>A document with the same id already exists in the partition (HTTP 409).</summary>
    Conflict,
}

/// <summary>Result of a conditional write; <see cref="Document"/> is the stored document when applied.</summary>
public readonly record struct WriteResult<T>(WriteOutcome Outcome, T? Document)
{
    public bool Applied => Outcome == WriteOutcome.Applied;
}
