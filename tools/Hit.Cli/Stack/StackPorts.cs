using Hit.Cli.Processes;

namespace Hit.Cli.Stack;

/// <summary>Loopback ports of the local stack. The defaults are the emulators' well-known ports.</summary>
internal sealed record StackPorts(int Blob = 10000, int Queue = 10001, int Table = 10002, int Cosmos = 8081, int Smtp = 1025, int MailWeb = 1080)
{
    public const string AccountName = "devstoreaccount1";

    // The emulator's published development key (Azurite documentation); it guards nothing but local data.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Ephemeral ports, so a test run never collides with <c>hit run</c> or another test run.</summary>
    public static StackPorts Free() => new(Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());

    public string StorageConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{Blob}/{AccountName};QueueEndpoint=http://127.0.0.1:{Queue}/{AccountName};TableEndpoint=http://127.0.0.1:{Table}/{AccountName};";

    public string CosmosEndpoint => $"http://127.0.0.1:{Cosmos}/";

    public string MailWebUrl => $"http://127.0.0.1:{MailWeb}";

    /// <summary>Environment the test processes get (see tests' README): how to reach this stack.</summary>
    public IReadOnlyDictionary<string, string?> TestEnvironment() => new Dictionary<string, string?>
    {
        ["HIT_STORAGE_CONNECTION"] = StorageConnectionString,
        ["HIT_COSMOS_ENDPOINT"] = CosmosEndpoint,
        ["HIT_MAILDEV_URL"] = MailWebUrl,
        ["HIT_SMTP_PORT"] = Smtp.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
