using System.Collections;
using System.Diagnostics;
using Hit.LocalHost.AppModel;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Worker;

/// <summary>
/// Starts the worker process the way the Functions host does (worker.config.json command line, the host's arguments
/// and environment), waits for its handshake, and restarts it with backoff when it exits unexpectedly — giving up
/// after <see cref="RestartPolicy.MaxErrors"/> exits within <see cref="RestartPolicy.Window"/>, after which the host stops.
/// </summary>
internal sealed partial class WorkerSupervisor : IAsyncDisposable
{
    private readonly WorkerAppRoot _app;
    private readonly AppSettings _settings;
    private readonly RpcServer _rpc;
    private readonly RestartPolicy _policy;
    private readonly TimeSpan _startTimeout;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _errors = [];
    private readonly TaskCompletionSource _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<WorkerChannel> _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private WorkerChannel? _channel;
    private bool _stopping;

    public WorkerSupervisor(WorkerAppRoot app, AppSettings settings, RpcServer rpc, RestartPolicy policy, TimeSpan startTimeout, ILogger logger)
    {
        _app = app;
        _settings = settings;
        _rpc = rpc;
        _policy = policy;
        _startTimeout = startTimeout;
        _logger = logger;
        // If the owning process ends without StopAsync (a test runner killed), take the worker down with it.
        AppDomain.CurrentDomain.ProcessExit += OnOwnerExit;
    }

    /// <summary>Completes (faulted) when the worker exceeded its restart budget.</summary>
    public Task Faulted => _faulted.Task;

    /// <summary>The ready worker; during a restart this waits for the next one.</summary>
    public Task<WorkerChannel> Current
    {
        get
        {
            lock (_gate)
            {
                return _current.Task;
            }
        }
    }

    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    /// <summary>Starts the first worker and returns its functions once all are loaded.</summary>
    public async Task<IReadOnlyList<WorkerFunction>> StartAsync(CancellationToken cancellationToken)
    {
        var (process, channel) = StartWorker();
        return await WaitReadyAsync(process, channel, cancellationToken).ConfigureAwait(false);
    }

    private (Process Process, WorkerChannel Channel) StartWorker()
    {
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, _app, _logger);
        _rpc.Expect(channel);

        var startInfo = new ProcessStartInfo(ResolveExecutable(_app.Executable))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _app.RootPath,
        };
        foreach (var argument in _app.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // RpcWorkerProcess: the host passes both the legacy and the current argument names; the .NET worker reads the second set.
        var uri = _rpc.Address;
        string[] hostArguments =
        [
            "--host", uri.Host, "--port", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", uri.ToString(), "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", "2147483647",
        ];
        foreach (var argument in hostArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (key, value) in BuildEnvironment())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.WorkerStdout(_logger, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.WorkerStderr(_logger, e.Data);
            }
        };
        process.Exited += (_, _) => OnExited(process, channel);

        lock (_gate)
        {
            if (_current.Task.IsCompleted)
            {
                _current = new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            process.Start();
            _process = process;
            _channel = channel;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.WorkerStarted(_logger, startInfo.FileName, string.Join(' ', _app.Arguments), process.Id);
        return (process, channel);
    }

    private async Task<IReadOnlyList<WorkerFunction>> WaitReadyAsync(Process process, WorkerChannel channel, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_startTimeout);
        IReadOnlyList<WorkerFunction> functions;
        try
        {
            functions = await channel.Ready.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker (pid {process.Id}) did not connect and load its functions within {_startTimeout}.");
        }
        catch (WorkerUnavailableException ex) when (process.HasExited)
        {
            throw new WorkerUnavailableException($"The worker exited with code {process.ExitCode} before it was ready.", ex);
        }

        lock (_gate)
        {
            if (ReferenceEquals(_channel, channel))
            {
                _current.TrySetResult(channel);
            }
        }

        Log.WorkerReady(_logger, process.Id, functions.Count, stopwatch.ElapsedMilliseconds);
        return functions;
    }

    private Dictionary<string, string?> BuildEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        foreach (var (key, value) in _settings.Values)
        {
            environment[key] = value;
        }

        // Measured: function load fails without the two directories; the runtime name selects the worker config.
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        environment["FUNCTIONS_WORKER_DIRECTORY"] = _app.RootPath;
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = _app.RootPath;
        environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        // The worker chooses its own HTTP port (reported as HttpUri); an inherited ASPNETCORE_URLS would pin it.
        environment.Remove("ASPNETCORE_URLS");
        environment.Remove("ASPNETCORE_HTTP_PORTS");
        return environment;
    }

    private static string ResolveExecutable(string executable)
    {
        if (Path.IsPathRooted(executable) || executable.Contains('/', StringComparison.Ordinal))
        {
            return executable;
        }

        // "dotnet": the SDK/runtime the host itself runs on is the one to use, whatever PATH says.
        if (executable.Equals("dotnet", StringComparison.Ordinal) && Environment.ProcessPath is { } self
            && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.Ordinal))
        {
            return self;
        }

        return executable;
    }

    private void OnExited(Process process, WorkerChannel channel)
    {
        var exitCode = SafeExitCode(process);
        channel.Close($"the worker process exited with code {exitCode}");
        _rpc.Forget(channel);

        TimeSpan delay;
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(_process, process))
            {
                return;
            }

            var now = DateTimeOffset.UtcNow;
            _errors.Add(now);
            _errors.RemoveAll(t => now - t > _policy.Window);
            if (_errors.Count >= _policy.MaxErrors)
            {
                _process = null;
                var error = new InvalidOperationException(
                    $"Exceeded language worker restart retry count for runtime:dotnet-isolated: the worker exited (last code {exitCode}) {_policy.MaxErrors} times within {_policy.Window}. The host has stopped.");
                _current.TrySetException(error);
                Log.RestartBudgetExceeded(_logger, exitCode, _policy.MaxErrors, _policy.Window);
                _faulted.TrySetException(error);
                return;
            }

            if (_current.Task.IsCompleted)
            {
                _current = new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            // Backoff between restarts: 1 s, 2 s, 4 s … (at most 10 s), so a worker that dies at start-up does not spin.
            delay = TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, _errors.Count - 1)));
        }

        Log.WorkerCrashed(_logger, process.Id, exitCode, delay.TotalSeconds);
        _ = RestartAfterAsync(delay);
    }

    private async Task RestartAfterAsync(TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
        }

        try
        {
            var (process, channel) = StartWorker();
            await WaitReadyAsync(process, channel, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // A worker that dies again is handled by OnExited (which counts it against the budget).
            Log.RestartFailed(_logger, ex);
        }
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    public async Task StopAsync()
    {
        Process? process;
        WorkerChannel? channel;
        lock (_gate)
        {
            _stopping = true;
            process = _process;
            channel = _channel;
            _process = null;
            _current.TrySetException(new WorkerUnavailableException("The local host is stopping."));
        }

        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // WorkerTerminate first (the worker exits 0 on it), then make sure of it.
                channel?.Terminate(TimeSpan.FromSeconds(2));
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
            }

            Log.WorkerStopped(_logger, process.Id);
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
        }
        finally
        {
            channel?.Close("the host stopped");
            process.Dispose();
        }
    }

    private void OnOwnerExit(object? sender, EventArgs e)
    {
        Process? process;
        lock (_gate)
        {
            _stopping = true;
            process = _process;
        }

        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnOwnerExit;
        await StopAsync().ConfigureAwait(false);
        _faulted.TrySetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(320, LogLevel.Information, "{Line}")]
        public static partial void WorkerStdout(ILogger logger, string line);

        [LoggerMessage(321, LogLevel.Error, "{Line}")]
        public static partial void WorkerStderr(ILogger logger, string line);

        [LoggerMessage(322, LogLevel.Information, "Started worker {Executable} {Arguments} (pid {ProcessId})")]
        public static partial void WorkerStarted(ILogger logger, string executable, string arguments, int processId);

        [LoggerMessage(323, LogLevel.Information, "Worker (pid {ProcessId}) loaded {FunctionCount} functions after {ElapsedMilliseconds} ms")]
        public static partial void WorkerReady(ILogger logger, int processId, int functionCount, long elapsedMilliseconds);

        [LoggerMessage(324, LogLevel.Error, "Worker process (pid {ProcessId}) exited unexpectedly with code {ExitCode}; restarting it in {DelaySeconds} s")]
        public static partial void WorkerCrashed(ILogger logger, int processId, int exitCode, double delaySeconds);

        [LoggerMessage(325, LogLevel.Critical, "Exceeded language worker restart retry count: the worker exited (last code {ExitCode}) {MaxErrors} times within {Window}; the host stops")]
        public static partial void RestartBudgetExceeded(ILogger logger, int exitCode, int maxErrors, TimeSpan window);

        [LoggerMessage(326, LogLevel.Error, "Restarting the worker failed")]
        public static partial void RestartFailed(ILogger logger, Exception exception);

        [LoggerMessage(327, LogLevel.Information, "Stopped worker (pid {ProcessId})")]
        public static partial void WorkerStopped(ILogger logger, int processId);
    }
}

/// <summary>How many worker crashes within which window the host tolerates (3 in 30 min on Azure).</summary>
internal sealed record RestartPolicy(int MaxErrors, TimeSpan Window);
