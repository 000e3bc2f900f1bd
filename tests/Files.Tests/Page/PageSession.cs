using System.Collections.Concurrent;
using System.Text;
using Hit.Testing;
using Microsoft.Playwright;

namespace Hit.Files.Tests.Page;

/// <summary>
/// A fresh browser context and page for one test, recording what a failure report needs: the page's console, page
/// errors, failed or refused requests and any request that left the app's origin. <see cref="RunAsync"/> turns a
/// failure into one that carries a screenshot path, that record and the page's visible text.
/// </summary>
internal sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _foreignRequests = new();

    private PageSession(IBrowserContext context, IPage page, Uri origin)
    {
        _context = context;
        Page = page;
        var self = origin.GetLeftPart(UriPartial.Authority);
        page.Console += (_, message) =>
        {
            var line = $"console.{message.Type}: {message.Text} ({message.Location})";
            _events.Enqueue(line);
            if (message.Type == "error")
            {
                _errors.Enqueue(line);
            }
        };
        page.PageError += (_, error) =>
        {
            _events.Enqueue($"pageerror: {error}");
            _errors.Enqueue(error);
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(self + "/", StringComparison.Ordinal)
                && !request.Url.StartsWith("blob:", StringComparison.Ordinal)
                && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                _foreignRequests.Enqueue(request.Url);
            }
        };
        page.Response += (_, response) => _events.Enqueue($"{response.Status} {response.Request.Method} {response.Url}");
        page.RequestFailed += (_, request) => _events.Enqueue($"failed {request.Method} {request.Url}: {request.Failure}");
    }

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions; a CSP refusal shows up here too.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Requests to anything but the app (a CDN, an absolute URL that skipped the gateway prefix…).</summary>
    public IReadOnlyCollection<string> ForeignRequests => _foreignRequests;

    public static async Task<PageSession> OpenAsync(IBrowser browser, Uri origin)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        page.SetDefaultNavigationTimeout(30_000);
        return new PageSession(context, page, origin);
    }

    /// <summary>Runs the test's steps; on failure rethrows with a screenshot and the page's record attached.</summary>
    public async Task RunAsync(string testName, Func<IPage, Task> steps)
    {
        try
        {
            await steps(Page);
        }
        catch (Exception failure)
        {
            // Rethrown below with the page's state attached: the bare assertion rarely says why a page got stuck.
            throw new PageTestFailedException(await DescribeAsync(testName, failure), failure);
        }
    }

    private async Task<string> DescribeAsync(string testName, Exception failure)
    {
        var report = new StringBuilder();
        report.AppendLine(failure.Message);
        report.AppendLine("— screenshot: " + await ScreenshotAsync(testName));
        report.AppendLine("— page log (console, page errors, responses):");
        foreach (var line in _events)
        {
            report.AppendLine("  " + line);
        }

        report.AppendLine("— visible text:");
        report.AppendLine(await VisibleTextAsync());
        return report.ToString();
    }

    private async Task<string> ScreenshotAsync(string testName)
    {
        var folder = Path.Combine(TestStack.RepositoryRoot, "artifacts", "test-results", "Files.Tests");
        var path = Path.Combine(folder, $"{testName}-{DateTime.UtcNow:yyyyMMddHHmmss}.png");
        try
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 5_000 });
            return path;
        }
        catch (PlaywrightException e)
        {
            return "not taken: " + e.Message;
        }
    }

    private async Task<string> VisibleTextAsync()
    {
        try
        {
            return await Page.Locator("body").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5_000 });
        }
        catch (PlaywrightException e)
        {
            return "unavailable: " + e.Message;
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

/// <summary>A browser test failure with the page's state in its message.</summary>
public sealed class PageTestFailedException(string message, Exception inner) : Exception(message, inner);
