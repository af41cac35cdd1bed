using System.Globalization;

namespace Engine.Domain.Segments;

/// <summary>One comparison of a fact with constants: <c>p_alive &gt;= 0.5</c>, <c>tier == gold</c>, <c>rfm_group in (at_risk, cant_lose)</c>.</summary>
public sealed record SegmentCondition(string Fact, string Operator, IReadOnlyList<string> Values)
{
    private static readonly string[] Operators = [">=", "<=", "!=", "==", ">", "<"];

    // The constants read as numbers once, not at every evaluation (NaN: not a number, matches nothing).
    private readonly double[] _numbers = [.. Values.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN)];

    public bool Holds(SegmentFacts facts)
    {
        if (!facts.TryGet(Fact, out var value))
        {
            return false;
        }

        return value switch
        {
            double number => Compare(number),
            bool flag => Operator switch
            {
                "==" => Values[0] == (flag ? "true" : "false"),
                "!=" => Values[0] != (flag ? "true" : "false"),
                _ => false,
            },
            string text => Operator switch
            {
                "==" => Values[0] == text,
                "!=" => Values[0] != text,
                "in" => Values.Contains(text),
                _ => false,
            },
            _ => false,
        };
    }

    public override string ToString() => Operator == "in" ? $"{Fact} in ({string.Join(", ", Values)})" : $"{Fact} {Operator} {Values[0]}";

    /// <summary>Reads one condition; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SegmentCondition Parse(string text)
    {
        var trimmed = text.Trim();
        var inAt = trimmed.IndexOf(" in ", StringComparison.OrdinalIgnoreCase);
        if (inAt > 0)
        {
            var fact = KnownFact(trimmed[..inAt]);
            var list = trimmed[(inAt + 4)..].Trim();
            if (!list.StartsWith('(') || !list.EndsWith(')'))
            {
                throw new FormatException($"'{text}': a list is written (a, b, c)");
            }

            var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => v.ToLowerInvariant()).ToList();
            return values.Count > 0 ? new SegmentCondition(fact, "in", values) : throw new FormatException($"'{text}': the list is empty");
        }

        foreach (var op in Operators)
        {
            var at = trimmed.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var value = trimmed[(at + op.Length)..].Trim().ToLowerInvariant();
                if (value.Length == 0)
                {
                    throw new FormatException($"'{text}': no value after {op}");
                }

                if (value.Any(char.IsWhiteSpace))
                {
                    throw new FormatException($"'{text}': the value must be one word; an empty condition around 'and' or 'or'?");
                }

                var condition = new SegmentCondition(KnownFact(trimmed[..at]), op, [value]);
                if (op is ">=" or "<=" or ">" or "<" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new FormatException($"'{text}': {op} compares with a number");
                }

                return condition;
            }
        }

        throw new FormatException($"'{text}': expected fact op value (op one of >=, <=, >, <, ==, !=, in)");
    }

    private bool Compare(double number)
    {
        if (Operator == "in")
        {
            return Array.IndexOf(_numbers, number) >= 0;
        }

        var target = _numbers[0];
        if (double.IsNaN(target))
        {
            return false;
        }

        return Operator switch
        {
            ">=" => number >= target,
            "<=" => number <= target,
            ">" => number > target,
            "<" => number < target,
            "==" => number == target,
            "!=" => number != target,
            _ => false,
        };
    }

    private static string KnownFact(string name)
    {
        var fact = name.Trim().ToLowerInvariant();
        return SegmentFacts.Known.ContainsKey(fact)
            ? fact
            : throw new FormatException($"'{name.Trim()}' is not a segment fact; known: {string.Join(", ", SegmentFacts.Known.Keys)}");
    }
}
