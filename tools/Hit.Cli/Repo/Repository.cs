namespace Hit.Cli.Repo;

/// <summary>Paths inside the repository the CLI operates on.</summary>
internal sealed record Repository(string Root)
{
    public const string SolutionFile = "HitPlatform.sln";

    public string Artifacts => Path.Combine(Root, "artifacts");

    public string AppsOutput => Path.Combine(Artifacts, "apps");

    public string FunctionsDir => Path.Combine(Root, "functions");

    public string StateDir => Path.Combine(Root, ".hit");

    public string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>
    /// The root is where <see cref="SolutionFile"/> lives: <c>HIT_ROOT</c> (set by the <c>./hit</c> wrapper), else the
    /// nearest ancestor of the working directory that has it.
    /// </summary>
    public static Repository Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("HIT_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, SolutionFile)))
        {
            return new Repository(Path.GetFullPath(fromEnv));
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return new Repository(dir.FullName);
            }
        }

        throw new CliException($"Not inside the Hit Platform repository (no {SolutionFile} above {Environment.CurrentDirectory}).");
    }
}
