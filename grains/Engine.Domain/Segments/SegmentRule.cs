namespace Engine.Domain.Segments;

/// <summary>
/// One segment's definition: conditions joined by <c>and</c>, alternatives joined by <c>or</c>
/// (and binds tighter), e.g. <c>clv_percentile &gt;= 80 and p_alive &gt;= 0.5 or referred_buyers &gt;= 2</c>.
/// </summary>
public sealed class SegmentRule
{
    // The alternatives as arrays: Holds runs at every state write, and walks them without an enumerator.
    private readonly SegmentCondition[][] _alternatives;

    private SegmentRule(string name, string text, IReadOnlyList<IReadOnlyList<SegmentCondition>> alternatives)
    {
        Name = name;
        Text = text;
        _alternatives = [.. alternatives.Select(conditions => conditions.ToArray())];
    }

    public string Name { get; }

    /// <summary>The definition as configured.</summary>
    public string Text { get; }

    public IReadOnlyList<IReadOnlyList<SegmentCondition>> Alternatives => _alternatives;

    public static SegmentRule Parse(string name, string text)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
        {
            throw new FormatException($"segment name '{name}' must be lower-case letters, digits, '_' or '-'");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException($"segment {name}: the definition is empty");
        }

        try
        {
            var alternatives = Split(text, "or")
                .Select(alternative => (IReadOnlyList<SegmentCondition>)[.. Split(alternative, "and").Select(SegmentCondition.Parse)])
                .ToList();
            return new SegmentRule(name, text.Trim(), alternatives);
        }
        catch (FormatException e)
        {
            throw new FormatException($"segment {name}: {e.Message}", e);
        }
    }

    /// <summary>Whether the customer is in the segment (no explanation built: the per-batch check).</summary>
    public bool Holds(SegmentFacts facts)
    {
        foreach (var conditions in _alternatives)
        {
            var all = true;
            foreach (var condition in conditions)
            {
                if (!condition.Holds(facts))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why the customer is in the segment (the alternative that holds, with the values), or null when not.</summary>
    public string? Explain(SegmentFacts facts)
    {
        foreach (var conditions in Alternatives)
        {
            if (conditions.All(c => c.Holds(facts)))
            {
                return string.Join(", ", conditions.Select(c => $"{c.Fact} {facts.Show(c.Fact)} ({c})"));
            }
        }

        return null;
    }

    /// <summary>
    /// Why the customer is not in the segment: for each alternative, the first condition that
    /// fails, with the value (for a change's "left" line).
    /// </summary>
    public string WhyNot(SegmentFacts facts) =>
        string.Join("; ", Alternatives
            .Select(conditions => conditions.FirstOrDefault(c => !c.Holds(facts)))
            .OfType<SegmentCondition>()
            .Select(c => $"{c.Fact} {facts.Show(c.Fact)} (not {c})"));

    // Splits on a whole-word keyword outside parentheses.
    private static List<string> Split(string text, string keyword)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        var token = $" {keyword} ";
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0 && string.Compare(text, i, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                parts.Add(text[start..i]);
                start = i + token.Length;
                i += token.Length - 1;
            }
        }

        parts.Add(text[start..]);
        return parts.Any(string.IsNullOrWhiteSpace) ? throw new FormatException($"'{text}': an empty condition around '{keyword}'") : parts;
    }
}
