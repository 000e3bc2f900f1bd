using System.IO.Compression;
using System.Text.Json;

namespace Hit.Cli.Deploy;

/// <summary>
/// Zips an app root for the Flex deployment container. The handler is a self-contained linux-x64 executable,
/// so its execute bit must survive: each entry carries the file's Unix mode in the high 16 bits of its external
/// attributes (what unzip and the Functions host read). On Windows, where files have no mode, the handler named in
/// host.json (customHandler.description.defaultExecutablePath) is marked 0755 and everything else 0644.
/// </summary>
internal static class PackageZipper
{
    private const int RegularFile = 0x8000; // S_IFREG
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Create(string appRoot, string zipPath)
    {
        if (!File.Exists(Path.Combine(appRoot, "host.json")))
        {
            throw new InvalidOperationException($"{appRoot} is not an app root (no host.json); run `hit build` first.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(zipPath))!);
        var handler = HandlerPath(appRoot);
        using var stream = File.Create(zipPath);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(appRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(appRoot, file).Replace('\\', '/');
            var entry = zip.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
            var mode = OperatingSystem.IsWindows()
                ? (name == handler ? Executable : Plain)
                : File.GetUnixFileMode(file);
            entry.ExternalAttributes = (RegularFile | (int)mode) << 16;
        }
    }

    private static string? HandlerPath(string appRoot)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")));
        return doc.RootElement.TryGetProperty("customHandler", out var ch)
            && ch.TryGetProperty("description", out var d)
            && d.TryGetProperty("defaultExecutablePath", out var p)
            ? p.GetString()?.Replace('\\', '/').TrimStart('.', '/')
            : null;
    }
}
