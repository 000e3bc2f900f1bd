using System.IO.Compression;
using Hit.Cli.Deploy;

namespace Infra.Tests.Deploy;

public sealed class PackageZipperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hit-zip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_KeepsEachFilesUnixMode_SoExecutablesStayExecutable()
    {
        // A published worker app root: the apphost next to the dll is executable, everything else plain.
        var root = Directory.CreateDirectory(Path.Combine(_dir, "app")).FullName;
        File.WriteAllText(Path.Combine(root, "host.json"), """{ "version": "2.0" }""");
        File.WriteAllText(Path.Combine(root, "functions.metadata"), "[]");
        Directory.CreateDirectory(Path.Combine(root, ".azurefunctions"));
        File.WriteAllText(Path.Combine(root, ".azurefunctions", "function.deps.json"), "{}");
        var apphost = Path.Combine(root, "PingPong");
        File.WriteAllText(apphost, "\x7fELF");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(apphost, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(root, "functions.metadata"), (UnixFileMode)0b110_100_100);
        }

        var zipPath = Path.Combine(_dir, "out", "app.zip");
        PackageZipper.Create(root, zipPath);

        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal([".azurefunctions/function.deps.json", "PingPong", "functions.metadata", "host.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(0b111_101_101, Mode(zip.GetEntry("PingPong")!));
        }

        Assert.Equal(0, Mode(zip.GetEntry("functions.metadata")!) & 0b001_001_001);
        Assert.Equal(0x8000, (zip.GetEntry("host.json")!.ExternalAttributes >> 16) & 0xF000);
    }

    [Fact]
    public void Create_FolderWithoutHostJson_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => PackageZipper.Create(_dir, Path.Combine(_dir, "x.zip")));
    }

    private static int Mode(ZipArchiveEntry entry) => (entry.ExternalAttributes >> 16) & 0x1FF;
}
