using Hit.Thumbnail;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C cancels cleanly (partial outputs are not left behind); a second one kills.
    e.Cancel = !cts.IsCancellationRequested;
    cts.Cancel();
};

return await ThumbnailCommand.RunAsync(args, Console.Out, Console.Error, cts.Token).ConfigureAwait(false);
