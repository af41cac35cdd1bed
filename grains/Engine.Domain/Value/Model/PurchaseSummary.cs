namespace Engine.Domain.Value.Model;

/// <summary>
/// What the value models need of one customer's purchases, in periods since the first
/// purchase (weeks for CDNOW, days in the engine): <see cref="Frequency"/> x repeat purchases
/// (purchases after the first, at most one per period of the data's resolution), the last at
/// <see cref="Recency"/> tₓ, observed for <see cref="Age"/> T; and the mean value of the repeat
/// purchases (zero without any). O(1) to keep up to date: no purchase history is needed.
/// Serializable so the projection can hand pages of them to <c>model fit --from postgres</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.PurchaseSummary")]
public readonly record struct PurchaseSummary(
    [property: Id(0)] int Frequency,
    [property: Id(1)] double Recency,
    [property: Id(2)] double Age,
    [property: Id(3)] double MeanRepeatValue = 0)
{
    /// <summary>What is wrong with it (null when usable): 0 ≤ tₓ ≤ T, tₓ = 0 without repeats.</summary>
    public string? Problem =>
        Frequency < 0 ? "frequency must not be negative"
        : Recency < 0 || Age < 0 || double.IsNaN(Recency) || double.IsNaN(Age) ? "recency and age must not be negative"
        : Recency > Age ? "recency must not exceed age"
        : Frequency == 0 && Recency != 0 ? "a customer without repeat purchases has recency 0"
        : MeanRepeatValue < 0 || double.IsNaN(MeanRepeatValue) ? "mean repeat value must not be negative"
        : null;
}
