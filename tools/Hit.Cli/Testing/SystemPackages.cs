using Hit.Cli.Processes;
using Spectre.Console;

namespace Hit.Cli.Testing;

/// <summary>
/// Debian packages the tests call: reference implementations (ImageMagick makes the thumbnail tests' corpus and
/// the golden references the libvips pipeline is judged against; the libvips CLI makes AVIF/HEIC where ImageMagick
/// cannot) and the browser the files upload page's Playwright tests drive (Debian's Chromium;
/// Playwright's own browser downloads are not reachable here). Installed with apt when missing and the CLI may (root); otherwise named, so the failure
/// that follows is explained.
/// </summary>
internal static class SystemPackages
{
    private static readonly (string Path, string Package)[] Required =
    [
        ("/usr/bin/convert", "imagemagick"),
        ("/usr/bin/vipsthumbnail", "libvips-tools"),
        ("/usr/bin/chromium", "chromium"),
    ];

    public static async Task EnsureAsync(string workingDirectory, CancellationToken cancellationToken)
    {
        var missing = Required.Where(r => !File.Exists(r.Path)).Select(r => r.Package).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        if (!ProcessRunner.OnPath("apt-get") || Environment.UserName != "root")
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]![/] missing Debian packages: {string.Join(' ', missing)} (install them with apt-get; image and browser tests need them)");
            return;
        }

        var log = new List<string>();
        await AnsiConsole.Status().StartAsync($"Installing {string.Join(", ", missing)} (apt-get)…", async _ =>
        {
            var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await ProcessRunner.RunAsync("apt-get", ["update", "-qq"], workingDirectory, env, log.Add, cancellationToken);
            var code = await ProcessRunner.RunAsync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", .. missing], workingDirectory, env, log.Add, cancellationToken);
            if (code != 0)
            {
                throw new CliException("apt-get install failed:\n" + string.Join('\n', log.TakeLast(30)));
            }
        });
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] installed {string.Join(", ", missing)}");
    }
}
