using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Hit.Contracts;
using Hit.Contracts.Auth;
using Hit.LocalHost;
using Hit.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

// Mail throughput end to end: AuthEmailMessage v1 on the email queue (what the auth app enqueues) → the local Functions
// host (the built app root) → DeliverEmail (Cosmos record, render, MailKit pool) → maildev, until maildev holds every
// mail of the run's recipient; against a reference measured in the same run — the same mails sent by a bare MailKit
// SmtpClient to the same maildev. Run under `./hit stack` (see README.md).
const int MaxMails = 500;
var settle = TimeSpan.FromSeconds(2);
var mails = Option("--mails", 200);
var concurrency = Option("--concurrency", 4);
if (mails is < 1 or > MaxMails || concurrency < 1)
{
    Console.Error.WriteLine($"--mails must be 1–{MaxMails} (maildev keeps every mail in memory) and --concurrency at least 1.");
    return 2;
}

var run = Guid.NewGuid().ToString("N")[..12];
var smtpPort = int.TryParse(Environment.GetEnvironmentVariable("HIT_SMTP_PORT"), out var port) ? port : 1025;
using var maildev = new HttpClient
{
    BaseAddress = new Uri(Environment.GetEnvironmentVariable("HIT_MAILDEV_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:1080"),
};
Console.WriteLine($"{mails} mails, concurrency {concurrency}; {Environment.ProcessorCount} cores, load average {LoadAverage()}");

var queue = new QueueClient(TestStack.StorageConnection, "email-bench-" + run, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
await queue.CreateIfNotExistsAsync();
await using var host = new LocalFunctionsHost(new LocalFunctionsHostOptions
{
    AppRoot = TestStack.AppRoot("Email"),
    AppName = "email",
    // An idle listener backs off up to this between polls (host.json says 2 s); short, so the unloaded latency is the pipeline's.
    MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100),
    Settings = new Dictionary<string, string?>(TestStack.AsEnvironment(TestStack.Settings(database: "hit-bench")))
    {
        ["Email__Queue"] = queue.Name,
        ["Email__From"] = "no-reply@hit.test",
        ["Email__Providers__0"] = "smtp",
        ["Email__Smtp__Host"] = "127.0.0.1",
        ["Email__Smtp__SmtpPort"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Email__Smtp__Security"] = "None",
        // The app's pool of open SMTP connections is the pipeline's send parallelism (the host hands over 16 messages a poll).
        ["Email__Smtp__PoolSize"] = concurrency.ToString(CultureInfo.InvariantCulture),
        // Required at start; the benchmark makes no signed calls.
        ["Email__Hmac__Secrets__0"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["HitAuth__Issuer"] = "https://auth.hit.test",
        ["HitAuth__Audience"] = "hit",
        ["HitAuth__JwksUrl"] = "http://127.0.0.1:9/.well-known/jwks.json",
        ["Logging__LogLevel__Default"] = "Warning",
        ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
    },
    Logger = new WarningLog(),
});
await host.StartAsync();

try
{
    // Warm-up: JIT, the Cosmos container, the SMTP pool. Its first mail, as the app rendered it, is also the bare send's content.
    var warm = $"warm-{run}@example.com";
    await PipelineAsync(warm, 2 * concurrency);
    var sample = await FirstMailAsync(warm);
    Console.WriteLine($"mail: auth.password-reset as rendered by the app, {sample.Html.Length + sample.Text.Length} characters of HTML + text");

    var cpu = new CpuAccount(host.HandlerProcessId!.Value, new QueueServiceClient(TestStack.StorageConnection).Uri.Port, smtpPort);
    var pipeline = await PipelineAsync($"pipeline-{run}@example.com", mails);
    // The worker still records the last sends as `sent` and the host deletes their messages after maildev has them.
    await Task.Delay(settle);
    var pipelineCpu = cpu.Used();
    var pipelineRate = mails / pipeline.Wall.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant(
        $"pipeline (queue → worker → MailKit pool of {concurrency} → maildev): {pipelineRate:F1} mails/s ({mails} in {pipeline.Wall.TotalSeconds:F2} s; enqueueing took {pipeline.Enqueue.TotalSeconds:F2} s)"));
    Console.WriteLine($"  CPU per mail: {Describe(pipelineCpu, mails)}");

    await BareAsync($"warm-bare-{run}@example.com", sample, 2 * concurrency, concurrency);
    cpu = new CpuAccount(host.HandlerProcessId!.Value, new QueueServiceClient(TestStack.StorageConnection).Uri.Port, smtpPort);
    var sequential = await BareAsync($"bare-seq-{run}@example.com", sample, mails, 1);
    var sequentialCpu = cpu.Used();
    var sequentialRate = mails / sequential.Wall.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant(
        $"bare MailKit, one connection, sequential: {sequentialRate:F1} mails/s ({mails} in {sequential.Wall.TotalSeconds:F2} s; client done after {sequential.Client.TotalSeconds:F2} s)"));
    Console.WriteLine($"  CPU per mail: {Describe(sequentialCpu, mails)}");

    cpu = new CpuAccount(host.HandlerProcessId!.Value, new QueueServiceClient(TestStack.StorageConnection).Uri.Port, smtpPort);
    var parallel = await BareAsync($"bare-par-{run}@example.com", sample, mails, concurrency);
    var parallelCpu = cpu.Used();
    var parallelRate = mails / parallel.Wall.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant(
        $"bare MailKit, {concurrency} connections in parallel: {parallelRate:F1} mails/s ({mails} in {parallel.Wall.TotalSeconds:F2} s; client done after {parallel.Client.TotalSeconds:F2} s)"));
    Console.WriteLine($"  CPU per mail: {Describe(parallelCpu, mails)}");

    Console.WriteLine(FormattableString.Invariant(
        $"ratio pipeline / bare (same parallelism {concurrency}): {pipelineRate / parallelRate:F2}; per-mail overhead {(1000 / pipelineRate) - (1000 / parallelRate):F1} ms of wall time"));
    Console.WriteLine(FormattableString.Invariant(
        $"ratio pipeline / bare sequential: {pipelineRate / sequentialRate:F2}; per-mail overhead {(1000 / pipelineRate) - (1000 / sequentialRate):F1} ms of wall time"));
    Console.WriteLine(FormattableString.Invariant(
        $"CPU per mail, all measured processes: pipeline {pipelineCpu.Values.Sum() / mails:F1} ms, bare parallel {parallelCpu.Values.Sum() / mails:F1} ms ({pipelineCpu.Values.Sum() / Math.Max(1, parallelCpu.Values.Sum()):F1}×)"));

    // Unloaded latency: one mail at a time, each waited for in maildev, so none queues behind another.
    var latencies = new List<double>();
    for (var i = 0; i < 10; i++)
    {
        latencies.Add((await PipelineAsync($"single-{i}-{run}@example.com", 1, TimeSpan.FromMilliseconds(10))).Wall.TotalMilliseconds);
    }

    latencies.Sort();
    Console.WriteLine(FormattableString.Invariant(
        $"unloaded latency enqueue → in maildev (10 one at a time): p50 {latencies[4]:F0} ms, max {latencies[^1]:F0} ms; bare sequential send {sequential.Wall.TotalMilliseconds / mails:F1} ms a mail"));
    Console.WriteLine($"load average after: {LoadAverage()}");
}
finally
{
    // Leave maildev and Azurite as found: only this run's mails and queues go.
    var removed = await DeleteRunMailsAsync();
    Console.WriteLine($"removed this run's {removed} mails from maildev");
    await queue.DeleteIfExistsAsync();
    await new QueueServiceClient(TestStack.StorageConnection).GetQueueClient(queue.Name + "-poison").DeleteIfExistsAsync();
}

return 0;

// Enqueues `count` auth mails for `to` (as AuthMailer does) and returns the time from the first enqueue until maildev holds them all.
async Task<(TimeSpan Wall, TimeSpan Enqueue)> PipelineAsync(string to, int count, TimeSpan? poll = null)
{
    var ns = "bench-" + run;
    var t0 = Stopwatch.GetTimestamp();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
    {
        var message = new AuthEmailMessage(AuthEmailMessage.CurrentVersion, Guid.NewGuid().ToString("N"), ns, AuthEmailMessage.Templates.PasswordReset, to,
            new Dictionary<string, string>
            {
                ["token"] = Guid.NewGuid().ToString("N"),
                ["link"] = $"https://hit.test/auth/reset-password?token={Guid.NewGuid():N}&ns={ns}",
                ["expiresAt"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture),
            },
            DateTimeOffset.UtcNow);
        await queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, HitJsonContext.Default.AuthEmailMessage)), cancellationToken: token);
    });
    var enqueued = Stopwatch.GetElapsedTime(t0);
    await WaitForMailsAsync(to, count, poll ?? TimeSpan.FromMilliseconds(100));
    return (Stopwatch.GetElapsedTime(t0), enqueued);
}

// The same mails (the app's rendered parts, Message-ID shape and sender) from `parallel` MailKit connections, each sending in turn.
async Task<(TimeSpan Wall, TimeSpan Client)> BareAsync(string to, (string Subject, string Html, string Text) content, int count, int parallel)
{
    var next = -1;
    var t0 = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None);
        while (Interlocked.Increment(ref next) < count)
        {
            using var message = new MimeMessage { MessageId = $"{Guid.NewGuid():N}@hit.email", Subject = content.Subject };
            message.From.Add(new MailboxAddress("Hit", "no-reply@hit.test"));
            message.To.Add(MailboxAddress.Parse(to));
            message.Body = new BodyBuilder { HtmlBody = content.Html, TextBody = content.Text }.ToMessageBody();
            await client.SendAsync(message);
        }

        await client.DisconnectAsync(quit: true);
    }));
    var sent = Stopwatch.GetElapsedTime(t0);
    await WaitForMailsAsync(to, count, TimeSpan.FromMilliseconds(100));
    return (Stopwatch.GetElapsedTime(t0), sent);
}

// maildev filters GET /email by recipient; `skip` keeps the answer to the mails past count-1, so a poll stays small.
async Task WaitForMailsAsync(string to, int count, TimeSpan poll)
{
    var deadline = DateTime.UtcNow.AddMinutes(5);
    while (true)
    {
        using var past = JsonDocument.Parse(await maildev.GetStringAsync(MailsUrl(to, count - 1)));
        if (past.RootElement.GetArrayLength() > 0)
        {
            return;
        }

        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"maildev did not receive {count} mails for {to} within 5 minutes");
        }

        await Task.Delay(poll);
    }
}

async Task<(string Subject, string Html, string Text)> FirstMailAsync(string to)
{
    using var list = JsonDocument.Parse(await maildev.GetStringAsync(MailsUrl(to, 0)));
    var mail = list.RootElement[0];
    return (mail.GetProperty("subject").GetString()!, mail.GetProperty("html").GetString()!, mail.GetProperty("text").GetString()!);
}

async Task<int> DeleteRunMailsAsync()
{
    var removed = 0;
    foreach (var mail in (await maildev.GetFromJsonAsync<JsonElement>(new Uri("/email", UriKind.Relative))).EnumerateArray())
    {
        var mine = mail.GetProperty("to").EnumerateArray().Any(r => r.GetProperty("address").GetString()!.EndsWith($"-{run}@example.com", StringComparison.Ordinal));
        if (mine)
        {
            using var response = await maildev.DeleteAsync(new Uri("/email/" + mail.GetProperty("id").GetString(), UriKind.Relative));
            removed += response.IsSuccessStatusCode ? 1 : 0;
        }
    }

    return removed;
}

static Uri MailsUrl(string to, int skip) =>
    new($"/email?to.address={Uri.EscapeDataString(to)}&skip={skip.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);

static string Describe(Dictionary<string, double> used, int mails) =>
    string.Join(", ", used.Select(p => FormattableString.Invariant($"{p.Key} {p.Value / mails:F1} ms")));

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// CPU time (user + system, /proc) of the pipeline's processes between construction and <see cref="Used"/>: the worker,
/// this process (host + client), maildev, and the stack's Azurite and Cosmos server (which other users of the stack share).
/// </summary>
internal sealed class CpuAccount
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, double> _start;

    public CpuAccount(int handlerPid, int queuePort, int smtpPort)
    {
        _pids = new Dictionary<string, int>
        {
            ["worker"] = handlerPid,
            ["host+client"] = Environment.ProcessId,
        };
        var cosmosPort = new Uri(TestStack.CosmosEndpoint).Port;
        foreach (var (name, marker, port) in new[] { ("maildev", "maildev", smtpPort), ("azurite", "azurite", queuePort), ("cosmos", "cosmos-server", cosmosPort) })
        {
            if (Find(marker, port.ToString(CultureInfo.InvariantCulture)) is { } pid)
            {
                _pids[name] = pid;
            }
        }

        _start = Snapshot();
    }

    public Dictionary<string, double> Used()
    {
        var now = Snapshot();
        return now.ToDictionary(p => p.Key, p => p.Value - _start[p.Key]);
    }

    private Dictionary<string, double> Snapshot() => _pids.ToDictionary(p => p.Key, p => CpuMs(p.Value));

    /// <summary>utime + stime (fields 14 and 15 of /proc/pid/stat, in clock ticks of 10 ms).</summary>
    private static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static int? Find(string marker, string port)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId)
            {
                try
                {
                    var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    if (cmdline.Contains(marker, StringComparison.Ordinal) && cmdline.Contains(" " + port + " ", StringComparison.Ordinal))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
        }

        return null;
    }
}

/// <summary>The host's and the worker's warnings and errors on stderr: a failed send or a worker crash shows up in the run.</summary>
internal sealed class WarningLog : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"[{logLevel}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
        }
    }
}
