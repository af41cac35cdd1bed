using System.Globalization;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Hosting;

/// <summary>
/// What is wrong with one configuration section, each problem naming its full key and the
/// value found (e.g. "Ingestion:MaxEventsPerCall must be positive, got 0"), so the operator
/// reading a failed start knows what to fix.
/// </summary>
internal sealed class SectionProblems(string section)
{
    private readonly List<string> _problems = [];

    public SectionProblems Positive(string key, int value) =>
        Require(value > 0, key, "must be positive", Show(value));

    public SectionProblems Positive(string key, double value) =>
        Require(value > 0, key, "must be positive", Show(value));

    public SectionProblems Positive(string key, decimal value) =>
        Require(value > 0, key, "must be positive", Show(value));

    public SectionProblems Positive(string key, TimeSpan value) =>
        Require(value > TimeSpan.Zero, key, "must be positive", Show(value));

    public SectionProblems NotNegative(string key, TimeSpan value) =>
        Require(value >= TimeSpan.Zero, key, "must not be negative", Show(value));

    public SectionProblems AtLeast(string key, TimeSpan value, string lowerKey, TimeSpan lower) =>
        Require(value >= lower, key, $"must be at least {section}:{lowerKey} ({Show(lower)})", Show(value));

    public SectionProblems NotBlank(string key, string? value) =>
        Require(!string.IsNullOrWhiteSpace(value), key, "must not be empty", $"\"{value}\"");

    /// <summary>A problem found by the options' own checks, already worded with its key.</summary>
    public SectionProblems Add(IEnumerable<string> problems)
    {
        _problems.AddRange(problems);
        return this;
    }

    public SectionProblems Require(bool condition, string key, string rule, string found)
    {
        if (!condition)
        {
            _problems.Add($"{section}:{key} {rule}, got {found}");
        }

        return this;
    }

    public ValidateOptionsResult Result() => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    private static string Show(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
