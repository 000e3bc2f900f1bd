using System.Xml.Linq;

namespace Hit.Cli.Testing;

/// <summary>Totals across the TRX files <c>dotnet test</c> wrote: the numbers behind the summary line CI reads.</summary>
internal sealed record TrxSummary(int Passed, int Failed, int Skipped, int Files)
{
    public static TrxSummary Read(string directory)
    {
        int passed = 0, failed = 0, skipped = 0, files = 0;
        if (!Directory.Exists(directory))
        {
            return new TrxSummary(0, 0, 0, 0);
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories))
        {
            var counters = XDocument.Load(file).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
            if (counters is null)
            {
                continue;
            }

            files++;
            passed += Count(counters, "passed");
            // Errors and timeouts are failures as far as CI is concerned.
            failed += Count(counters, "failed") + Count(counters, "error") + Count(counters, "timeout") + Count(counters, "aborted");
            skipped += Count(counters, "notExecuted") + Count(counters, "inconclusive");
        }

        return new TrxSummary(passed, failed, skipped, files);
    }

    public override string ToString() => Skipped > 0 ? $"{Passed} passed, {Failed} failed, {Skipped} skipped" : $"{Passed} passed, {Failed} failed";

    private static int Count(XElement counters, string name) =>
        int.TryParse(counters.Attribute(name)?.Value, out var value) ? value : 0;
}
