using System.Diagnostics;

namespace Hit.Cli.Processes;

/// <summary>Runs a command to completion, streaming its output, and kills it (with its children) on cancellation.</summary>
internal static class ProcessRunner
{
    public static async Task<int> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, Action<string>? onOutput = null, CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = StartInfo(fileName, arguments, workingDirectory, environment) };
        process.StartInfo.RedirectStandardOutput = true;
        process.StartInfo.RedirectStandardError = true;
        var write = onOutput ?? Console.Out.WriteLine;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { write(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { write(e.Data); } };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException($"Could not start '{fileName}': {e.Message}. Is it installed and on PATH?");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // Drain the asynchronous readers before the caller prints anything after us.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Runs and captures stdout; throws when the command fails.</summary>
    public static async Task<string> CaptureAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var output = new System.Text.StringBuilder();
        var code = await RunAsync(fileName, arguments, workingDirectory, null, line => output.AppendLine(line), cancellationToken);
        return code == 0 ? output.ToString() : throw new CliException($"'{fileName} {string.Join(' ', arguments)}' failed ({code}):\n{output}");
    }

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Is <paramref name="command"/> on PATH?</summary>
    public static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}
