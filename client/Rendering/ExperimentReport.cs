using Engine.Domain.Effects;

namespace Engine.Client.Rendering;

/// <summary>The ledger's totals as <c>experiments</c> shows them: per experiment, its variants compared with the baseline.</summary>
public sealed record ExperimentReport(double Confidence, IReadOnlyList<ExperimentVariantRow> Variants)
{
    public static ExperimentReport From(IReadOnlyList<VariantTotals> totals, double confidence)
    {
        var rows = new List<ExperimentVariantRow>();
        foreach (var experiment in totals.GroupBy(t => (t.Experiment, t.Step)).OrderBy(g => g.Key.Experiment, StringComparer.Ordinal))
        {
            var variants = experiment.OrderBy(v => v.Variant == "control" ? 0 : 1).ThenBy(v => v.Variant, StringComparer.Ordinal).ToList();
            var baseline = variants[0];
            foreach (var variant in variants)
            {
                var difference = variant == baseline ? null : ConversionComparison.Compare(baseline.Sends, baseline.Conversions, variant.Sends, variant.Conversions, confidence);
                rows.Add(new ExperimentVariantRow(
                    variant.Experiment, variant.Step, variant.Variant, variant == baseline,
                    variant.Sends, variant.Conversions, ConversionComparison.Rate(variant.Sends, variant.Conversions), variant.Revenue,
                    difference?.Difference, difference?.Low, difference?.High, difference?.IsSignificant));
            }
        }

        return new ExperimentReport(confidence, rows);
    }
}

// Difference, Low, High: this variant's rate minus the baseline's and its interval (null for the baseline, or without sends).
public sealed record ExperimentVariantRow(
    string Experiment,
    string Step,
    string Variant,
    bool IsBaseline,
    long Sends,
    long Conversions,
    double Rate,
    decimal Revenue,
    double? Difference,
    double? Low,
    double? High,
    bool? Significant);
