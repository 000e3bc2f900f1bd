using System.IO.Compression;

namespace Hit.Cli.Deploy;

/// <summary>
/// Zips an app root for the Flex deployment container. Each entry carries the file's Unix mode in the high 16 bits of
/// its external attributes (what unzip and the Functions host read), so an executable in the package (a native
/// library's helper, a ReadyToRun apphost) keeps its execute bit. On Windows, where files have no mode, every entry
/// is 0644: the isolated worker is started as <c>dotnet &lt;app&gt;.dll</c>, which needs no execute bit.
/// </summary>
internal static class PackageZipper
{
    private const int RegularFile = 0x8000; // S_IFREG
    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Create(string appRoot, string zipPath)
    {
        if (!File.Exists(Path.Combine(appRoot, "host.json")))
        {
            throw new InvalidOperationException($"{appRoot} is not an app root (no host.json); run `hit build` first.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(zipPath))!);
        using var stream = File.Create(zipPath);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var file in Directory.EnumerateFiles(appRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(appRoot, file).Replace('\\', '/');
            var entry = zip.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
            var mode = OperatingSystem.IsWindows() ? Plain : File.GetUnixFileMode(file);
            entry.ExternalAttributes = (RegularFile | (int)mode) << 16;
        }
    }
}
