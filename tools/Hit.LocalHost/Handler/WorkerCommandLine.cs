using System.Text.RegularExpressions;

namespace Hit.LocalHost.Handler;

/// <summary>
/// Expands <c>%VAR%</c> in the executable path and arguments from the child's environment;
/// unresolved tokens are removed (DefaultWorkerProcessFactory, reference §1).
/// </summary>
internal static partial class WorkerCommandLine
{
    public static string Expand(string value, IReadOnlyDictionary<string, string?> variables) =>
        Token().Replace(value, m => variables.TryGetValue(m.Groups[1].Value, out var v) && v is not null ? v : string.Empty);

    /// <summary>
    /// A relative executable path is resolved against the app root only when that file exists;
    /// otherwise it is a command looked up on PATH.
    /// </summary>
    public static string ResolveExecutable(string appRoot, string executable)
    {
        var candidate = Path.GetFullPath(Path.Combine(appRoot, executable));
        if (!File.Exists(candidate))
        {
            return executable;
        }

        // Linux Consumption/Flex add the execute bit to this one file; zips often lose it.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(candidate);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(candidate, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return candidate;
    }

    [GeneratedRegex("%([^%\\s]+)%")]
    private static partial Regex Token();
}
