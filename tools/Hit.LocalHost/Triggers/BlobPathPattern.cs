using System.Text;
using System.Text.RegularExpressions;

namespace Hit.LocalHost.Triggers;

/// <summary>
/// A blobTrigger <c>path</c> such as <c>uploads/{name}</c> or <c>uploads/{ns}/{rest}</c>: a literal container
/// and a blob-name template whose <c>{param}</c> parts bind from the blob name.
/// </summary>
internal sealed class BlobPathPattern
{
    private readonly Regex _regex;
    private readonly IReadOnlyList<string> _parameters;

    private BlobPathPattern(string container, string prefix, Regex regex, IReadOnlyList<string> parameters)
    {
        Container = container;
        Prefix = prefix;
        _regex = regex;
        _parameters = parameters;
    }

    public string Container { get; }

    /// <summary>The literal start of the blob-name template, used as the listing prefix.</summary>
    public string Prefix { get; }

    public static BlobPathPattern Parse(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? path : path[..slash];
        var template = slash < 0 ? "{name}" : path[(slash + 1)..];
        if (container.Length == 0 || container.Contains('{', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Blob trigger path '{path}' must start with a literal container name.");
        }

        var parameters = new List<string>();
        var pattern = new StringBuilder("^");
        var position = 0;
        foreach (Match match in Regex.Matches(template, @"\{([^{}]+)\}"))
        {
            pattern.Append(Regex.Escape(template[position..match.Index]));
            var name = match.Groups[1].Value;
            parameters.Add(name);
            // Earlier parameters match lazily so "{ns}/{rest}" splits at the first '/', the last takes the remainder.
            pattern.Append("(?<p").Append(parameters.Count - 1).Append(">.+?)");
            position = match.Index + match.Length;
        }

        pattern.Append(Regex.Escape(template[position..])).Append('$');
        var prefixEnd = template.IndexOf('{', StringComparison.Ordinal);
        var prefix = prefixEnd < 0 ? template : template[..prefixEnd];
        return new BlobPathPattern(container, prefix, new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), parameters);
    }

    /// <summary>Matches a blob name; returns the bound parameters or null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Match(string blobName)
    {
        var match = _regex.Match(blobName);
        if (!match.Success)
        {
            return null;
        }

        var values = new List<KeyValuePair<string, string>>(_parameters.Count);
        for (var i = 0; i < _parameters.Count; i++)
        {
            values.Add(new(_parameters[i], match.Groups["p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)].Value));
        }

        return values;
    }
}
