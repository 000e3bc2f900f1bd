using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Infra.Tests.Consistency;

/// <summary>
/// Reads a Bicep literal (objects, arrays, strings, booleans, integers, null) as plain .NET values:
/// objects become <see cref="Dictionary{TKey,TValue}"/>, arrays <see cref="List{T}"/>. No Bicep compiler
/// exists in this build environment, so the consistency tests read the app list as data; anything that is
/// not a literal (an expression, an interpolation) is rejected rather than guessed at.
/// </summary>
public sealed class BicepLiteral
{
    private readonly string _text;
    private int _pos;

    private BicepLiteral(string text, int start)
    {
        _text = text;
        _pos = start;
    }

    /// <summary>Parses the literal assigned by <c>var &lt;name&gt; = …</c> in <paramref name="bicep"/>.</summary>
    public static object? ParseVariable(string bicep, string name)
    {
        var match = Regex.Match(bicep, $@"^var\s+{Regex.Escape(name)}\s*=\s*", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new FormatException($"No 'var {name} = ...' found.");
        }

        return new BicepLiteral(bicep, match.Index + match.Length).ParseValue();
    }

    public static object? Parse(string literal) => new BicepLiteral(literal, 0).ParseValue();

    private object? ParseValue()
    {
        SkipTrivia(skipSeparators: false);
        if (_pos >= _text.Length)
        {
            throw Error("a value");
        }

        var c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject();
            case '[':
                return ParseArray();
            case '\'':
                return ParseString();
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            var start = _pos++;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }

            return long.Parse(_text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture);
        }

        var word = ReadIdentifier();
        return word switch
        {
            "true" => true,
            "false" => false,
            "null" => null,
            _ => throw Error($"a literal value, not the expression '{word}'"),
        };
    }

    private Dictionary<string, object?> ParseObject()
    {
        _pos++; // '{'
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipTrivia(skipSeparators: true);
            if (Peek() == '}')
            {
                _pos++;
                return result;
            }

            var key = Peek() == '\'' ? ParseString() : ReadIdentifier();
            SkipTrivia(skipSeparators: false);
            if (Peek() != ':')
            {
                throw Error($"':' after '{key}'");
            }

            _pos++;
            if (!result.TryAdd(key, ParseValue()))
            {
                throw Error($"a single '{key}' per object");
            }

            RequireSeparator('}');
        }
    }

    private List<object?> ParseArray()
    {
        _pos++; // '['
        var result = new List<object?>();
        while (true)
        {
            SkipTrivia(skipSeparators: true);
            if (Peek() == ']')
            {
                _pos++;
                return result;
            }

            result.Add(ParseValue());
            RequireSeparator(']');
        }
    }

    // Bicep separates items by newlines or (on one line) by commas.
    private void RequireSeparator(char close)
    {
        var before = _pos;
        SkipTrivia(skipSeparators: false);
        if (Peek() == close)
        {
            return;
        }

        var gap = _text.AsSpan(before, _pos - before);
        if (Peek() == ',' || gap.Contains('\n'))
        {
            return;
        }

        throw Error($"a newline, ',' or '{close}'");
    }

    private string ParseString()
    {
        _pos++; // opening quote
        var sb = new StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == '\'')
            {
                return sb.ToString();
            }

            if (c == '$' && Peek() == '{')
            {
                throw Error("a plain string (interpolation is an expression)");
            }

            if (c == '\\' && _pos < _text.Length)
            {
                var e = _text[_pos++];
                sb.Append(e switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => e });
                continue;
            }

            sb.Append(c);
        }

        throw Error("a closing quote");
    }

    private string ReadIdentifier()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error("an identifier");
        }

        return _text[start.._pos];
    }

    private void SkipTrivia(bool skipSeparators)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c) || (skipSeparators && c == ','))
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                _pos = end < 0 ? _text.Length : end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private FormatException Error(string expected)
    {
        var line = 1 + _text.AsSpan(0, Math.Min(_pos, _text.Length)).Count('\n');
        return new FormatException($"Expected {expected} at line {line}.");
    }
}
