using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hit.LocalHost.AppModel;
using Microsoft.Extensions.Logging;

namespace Hit.LocalHost.Handler;

/// <summary>
/// Starts the custom handler process, waits for it to answer <c>GET /</c>, relays its output and
/// restarts it after a crash, giving up after <see cref="RestartPolicy.MaxErrors"/> errors within
/// <see cref="RestartPolicy.Window"/> like the Functions host (reference §1).
/// </summary>
internal sealed partial class HandlerSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(25);

    private readonly AppRoot _app;
    private readonly AppSettings _settings;
    private readonly RestartPolicy _restartPolicy;
    private readonly ILogger _logger;
    private readonly HttpClient _probe;
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _errors = [];
    private readonly TaskCompletionSource _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private bool _stopping;

    public HandlerSupervisor(AppRoot app, AppSettings settings, RestartPolicy restartPolicy, ILogger logger)
    {
        _app = app;
        _settings = settings;
        _restartPolicy = restartPolicy;
        _logger = logger;
        _probe = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        Port = app.Host.Port ?? GetFreeLoopbackPort();
        // Last line of defence against orphans: if the owning process exits without StopAsync
        // (a test runner or the CLI ending abruptly), take the handler tree down with it.
        AppDomain.CurrentDomain.ProcessExit += OnOwnerExit;
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        WorkerId = Guid.NewGuid().ToString();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string WorkerId { get; }

    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process?.Id;
            }
        }
    }

    /// <summary>Completes (faulted) when the handler exceeded its restart budget.</summary>
    public Task Faulted => _faulted.Task;

    /// <summary>Completes when the current handler process answers; requests wait on it during a restart.</summary>
    public Task Ready
    {
        get
        {
            lock (_gate)
            {
                return _ready.Task;
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var process = StartProcess();
        await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false);
    }

    private Process StartProcess()
    {
        var environment = BuildEnvironment();
        var executable = WorkerCommandLine.ResolveExecutable(
            _app.RootPath, WorkerCommandLine.Expand(_app.Host.ExecutablePath, environment));
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = string.IsNullOrEmpty(_app.Host.WorkingDirectory)
                ? _app.RootPath
                : Path.GetFullPath(Path.Combine(_app.RootPath, _app.Host.WorkingDirectory)),
        };
        foreach (var argument in _app.Host.Arguments)
        {
            var expanded = WorkerCommandLine.Expand(argument, environment);
            if (expanded.Length > 0)
            {
                startInfo.ArgumentList.Add(expanded);
            }
        }

        startInfo.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.HandlerStdout(_logger, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            // WorkerProcess.cs: stderr is an error unless the line mentions "warn".
            if (e.Data.Contains("warn", StringComparison.OrdinalIgnoreCase))
            {
                Log.HandlerStderrWarning(_logger, e.Data);
            }
            else
            {
                Log.HandlerStderr(_logger, e.Data);
            }
        };
        process.Exited += (_, _) => OnExited(process);

        lock (_gate)
        {
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            process.Start();
            _process = process;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.HandlerStarted(_logger, executable, process.Id, Port);
        return process;
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

        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port;
        environment["FUNCTIONS_HTTPWORKER_PORT"] = port;
        environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = WorkerId;
        environment["FUNCTIONS_HTTPWORKER_ID"] = WorkerId;
        environment["FUNCTIONS_APP_ROOT_PATH"] = _app.RootPath;
        return environment;
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The handler process exited with code {process.ExitCode} before answering GET / on port {Port}.");
            }

            try
            {
                // Any HTTP response, even a 404, means the worker is listening (DefaultHttpWorkerService.IsWorkerReady).
                using var response = await _probe.GetAsync(BaseAddress, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (stopwatch.Elapsed > _app.Host.InitializationTimeout)
                {
                    throw new TimeoutException(
                        $"The handler did not answer GET / on port {Port} within {_app.Host.InitializationTimeout} (customHandler.initializationTimeout).");
                }
            }

            await Task.Delay(ReadinessPollInterval, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (ReferenceEquals(_process, process))
            {
                _ready.TrySetResult();
            }
        }

        Log.HandlerReady(_logger, process.Id, stopwatch.ElapsedMilliseconds);
    }

    private void OnExited(Process process)
    {
        int exitCode;
        try
        {
            exitCode = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;
        }

        bool restart;
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(_process, process))
            {
                return;
            }

            var now = DateTimeOffset.UtcNow;
            _errors.Add(now);
            _errors.RemoveAll(t => now - t > _restartPolicy.Window);
            restart = _errors.Count < _restartPolicy.MaxErrors;
            if (!restart)
            {
                _process = null;
            }
        }

        if (!restart)
        {
            Log.RestartBudgetExceeded(_logger, exitCode, _restartPolicy.MaxErrors, _restartPolicy.Window);
            var error = new InvalidOperationException(
                $"Exceeded http worker restart retry count: the handler exited (code {exitCode}) {_restartPolicy.MaxErrors} times within {_restartPolicy.Window}. The host has stopped.");
            lock (_gate)
            {
                _ready.TrySetException(error);
            }

            _faulted.TrySetException(error);
            return;
        }

        Log.HandlerCrashed(_logger, process.Id, exitCode);
        _ = RestartAsync();
    }

    private async Task RestartAsync()
    {
        try
        {
            var process = StartProcess();
            await WaitUntilReadyAsync(process, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // A failed restart counts as another error; OnExited handles the budget when the process dies.
            Log.RestartFailed(_logger, ex);
        }
    }

    public async Task StopAsync()
    {
        Process? process;
        lock (_gate)
        {
            _stopping = true;
            process = _process;
            _process = null;
            _ready.TrySetException(new ObjectDisposedException(nameof(HandlerSupervisor), "The local host is stopping."));
        }

        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // Kill the whole tree: a handler started through a shell script would otherwise orphan the real server.
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            Log.HandlerStopped(_logger, process.Id);
        }
        catch (InvalidOperationException)
        {
            // The process already exited and was reaped.
        }
        finally
        {
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
        _probe.Dispose();
        _faulted.TrySetResult();
    }

    private static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Line}")]
        public static partial void HandlerStdout(ILogger logger, string line);

        [LoggerMessage(2, LogLevel.Error, "{Line}")]
        public static partial void HandlerStderr(ILogger logger, string line);

        [LoggerMessage(3, LogLevel.Warning, "{Line}")]
        public static partial void HandlerStderrWarning(ILogger logger, string line);

        [LoggerMessage(4, LogLevel.Information, "Started handler {Executable} (pid {ProcessId}) on port {Port}")]
        public static partial void HandlerStarted(ILogger logger, string executable, int processId, int port);

        [LoggerMessage(5, LogLevel.Information, "Handler (pid {ProcessId}) is ready after {ElapsedMilliseconds} ms")]
        public static partial void HandlerReady(ILogger logger, int processId, long elapsedMilliseconds);

        [LoggerMessage(6, LogLevel.Error, "Handler (pid {ProcessId}) exited unexpectedly with code {ExitCode}; restarting it")]
        public static partial void HandlerCrashed(ILogger logger, int processId, int exitCode);

        [LoggerMessage(7, LogLevel.Critical, "Exceeded http worker restart retry count: the handler exited (last code {ExitCode}) {MaxErrors} times within {Window}; the host stops")]
        public static partial void RestartBudgetExceeded(ILogger logger, int exitCode, int maxErrors, TimeSpan window);

        [LoggerMessage(8, LogLevel.Error, "Restarting the handler failed")]
        public static partial void RestartFailed(ILogger logger, Exception exception);

        [LoggerMessage(9, LogLevel.Information, "Stopped handler (pid {ProcessId})")]
        public static partial void HandlerStopped(ILogger logger, int processId);
    }
}

/// <summary>How many handler crashes within which window the host tolerates (3 in 30 min on Azure).</summary>
internal sealed record RestartPolicy(int MaxErrors, TimeSpan Window);
