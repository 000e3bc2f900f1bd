using System.IO.Compression;
using Hit.Cli.Deploy;

namespace Infra.Tests.Deploy;

public sealed class PackageZipperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hit-zip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_KeepsTheHandlerExecutable_AndOtherFilesPlain()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "app")).FullName;
        File.WriteAllText(Path.Combine(root, "host.json"), """{ "customHandler": { "description": { "defaultExecutablePath": "handler/PingPong" } } }""");
        Directory.CreateDirectory(Path.Combine(root, "handler"));
        Directory.CreateDirectory(Path.Combine(root, "GetCounter"));
        var handler = Path.Combine(root, "handler", "PingPong");
        File.WriteAllText(handler, "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(root, "GetCounter", "function.json"), "{}");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handler, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(root, "GetCounter", "function.json"), (UnixFileMode)0b110_100_100);
        }

        var zipPath = Path.Combine(_dir, "out", "app.zip");
        PackageZipper.Create(root, zipPath);

        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["GetCounter/function.json", "handler/PingPong", "host.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(0b111_101_101, Mode(zip.GetEntry("handler/PingPong")!));
        Assert.Equal(0, Mode(zip.GetEntry("GetCounter/function.json")!) & 0b001_001_001);
        Assert.Equal(0x8000, (zip.GetEntry("host.json")!.ExternalAttributes >> 16) & 0xF000);
    }

    [Fact]
    public void Create_FolderWithoutHostJson_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => PackageZipper.Create(_dir, Path.Combine(_dir, "x.zip")));
    }

    private static int Mode(ZipArchiveEntry entry) => (entry.ExternalAttributes >> 16) & 0x1FF;
}
