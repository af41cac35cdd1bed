using Engine.Domain.Processing;

namespace Engine.Domain.Cart;

/// <summary>
/// Which variant of an experiment a customer sees: sticky, from a stable hash of the customer
/// id and the experiment name (not string.GetHashCode, which changes per process), so a
/// customer keeps their variant across messages, silos and restarts, and different
/// experiments split customers independently.
/// </summary>
public static class ExperimentVariants
{
    /// <summary>The variant of a step with no variants configured.</summary>
    public const string Default = "default";

    public static string Pick(string customerId, string experiment, IReadOnlyList<AbandonmentVariant> variants)
    {
        var total = variants.Sum(v => (long)Math.Max(0, v.Weight));
        if (total <= 0)
        {
            return Default;
        }

        var point = (long)(EventIdHash.Of(experiment + "\n" + customerId) % (ulong)total);
        foreach (var variant in variants)
        {
            point -= Math.Max(0, variant.Weight);
            if (point < 0)
            {
                return variant.Name;
            }
        }

        return variants[^1].Name;
    }
}
