namespace Hit.Platform.Manifest;

/// <summary>
/// Parsed from <c>--hit-manifest &lt;appRoot&gt; [--hit-host-json &lt;path&gt;] [--hit-executable &lt;relative path&gt;]
/// [--hit-working-directory &lt;relative path&gt;]</c>: the app describes itself into <c>appRoot</c> and exits.
/// </summary>
public sealed record ManifestRequest(string OutputDirectory, string? HostJsonPath, string Executable, string WorkingDirectory, string[] RemainingArgs)
{
    public const string Flag = "--hit-manifest";

    public static ManifestRequest? FromArgs(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!args.Contains(Flag))
        {
            return null;
        }

        string? output = null, hostJson = null, executable = null, workingDirectory = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case Flag: output = Value(args, ref i); break;
                case "--hit-host-json": hostJson = Value(args, ref i); break;
                case "--hit-executable": executable = Value(args, ref i); break;
                case "--hit-working-directory": workingDirectory = Value(args, ref i); break;
                default: rest.Add(args[i]); break;
            }
        }

        return new ManifestRequest(
            Path.GetFullPath(output!),
            hostJson is null ? null : Path.GetFullPath(hostJson),
            executable ?? Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "handler"),
            workingDirectory ?? "",
            [.. rest]);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
