namespace Hit.LocalHost.Storage;

/// <summary>Failures of storage or handler I/O that a trigger listener survives and retries.</summary>
internal static class StorageErrors
{
    public static bool IsRecoverable(Exception exception) => exception switch
    {
        // Azure.Core reports exhausted retries as an AggregateException of the individual failures.
        AggregateException aggregate => aggregate.InnerExceptions.All(IsRecoverable),
        _ => exception is Azure.RequestFailedException or HttpRequestException or IOException or InvalidOperationException or TimeoutException,
    };
}
