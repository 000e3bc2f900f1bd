using System.Collections.Concurrent;
using HandlebarsDotNet;
using HandlebarsDotNet.Compiler;

namespace Hit.Email.Templates;

/// <summary>A template's three parts (Handlebars source).</summary>
internal sealed record TemplateParts(string Subject, string? Html, string? Text);

/// <summary>A rendered mail's parts.</summary>
internal sealed record RenderedEmail(string Subject, string? Html, string? Text);

/// <summary>Why a template did not render: the part and, for a missing value, the variable.</summary>
internal sealed record RenderError(string Part, string? MissingVariable, string Message);

/// <summary>
/// Handlebars.Net in strict mode: a variable the data lacks is an error naming it, not an empty string (a reset mail
/// without its link must never go out). HTML is escaped; the subject and text parts are not (they are not HTML) — the
/// subject is checked for line breaks afterwards instead, so data cannot inject headers.
/// </summary>
internal sealed class TemplateRenderer
{
    private readonly IHandlebars _html = Handlebars.Create(new HandlebarsConfiguration { ThrowOnUnresolvedBindingExpression = true });
    private readonly IHandlebars _plain = Handlebars.Create(new HandlebarsConfiguration { ThrowOnUnresolvedBindingExpression = true, NoEscape = true });
    private readonly ConcurrentDictionary<(bool Html, string Source), HandlebarsTemplate<object, object>> _compiled = new();

    /// <summary>Compiles every part; null when all parse, else the first part that does not.</summary>
    public RenderError? Check(TemplateParts parts)
    {
        foreach (var (part, source, html) in Parts(parts))
        {
            try
            {
                Compile(html, source);
            }
            catch (HandlebarsException ex)
            {
                return new RenderError(part, null, $"The {part} template does not parse: {ex.Message}");
            }
        }

        return null;
    }

    public (RenderedEmail? Email, RenderError? Error) Render(TemplateParts parts, IReadOnlyDictionary<string, string> data)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            values[key] = value;
        }

        var rendered = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (part, source, html) in Parts(parts))
        {
            try
            {
                rendered[part] = Compile(html, source)(values);
            }
            catch (HandlebarsUndefinedBindingException ex)
            {
                return (null, new RenderError(part, ex.Path, $"The {part} template uses '{ex.Path}', which the data does not contain."));
            }
            catch (HandlebarsException ex)
            {
                return (null, new RenderError(part, null, $"The {part} template does not render: {ex.Message}"));
            }
        }

        return (new RenderedEmail(rendered["subject"]!, rendered.GetValueOrDefault("html"), rendered.GetValueOrDefault("text")), null);
    }

    private static IEnumerable<(string Part, string Source, bool Html)> Parts(TemplateParts parts)
    {
        yield return ("subject", parts.Subject, false);
        if (parts.Html is not null)
        {
            yield return ("html", parts.Html, true);
        }

        if (parts.Text is not null)
        {
            yield return ("text", parts.Text, false);
        }
    }

    private HandlebarsTemplate<object, object> Compile(bool html, string source)
    {
        // Bounded by the number of distinct templates in use; stored templates are small (TemplateFunctions caps them).
        if (_compiled.Count > 4096)
        {
            _compiled.Clear();
        }

        return _compiled.GetOrAdd((html, source), static (key, self) => (key.Html ? self._html : self._plain).Compile(key.Source), this);
    }
}
