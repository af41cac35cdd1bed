using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Domain.Cart;

/// <summary>
/// When a cart counts as abandoned and what the customer is sent about it, bound from the
/// "CartAbandonment" configuration section. <c>new CartAbandonmentRules()</c> is the default
/// programme: one reminder an hour after the last cart activity (half an hour after a started
/// checkout), at most one sequence a week.
/// </summary>
/// <remarks>
/// The configuration binder appends to a list that already has items, so whoever binds
/// configuration onto this class must clear <see cref="Steps"/> first when the section sets
/// it; <see cref="Validate"/> reports a step name used twice, which is what an appended default looks like.
/// </remarks>
public sealed partial class CartAbandonmentRules
{
    public const string SectionName = "CartAbandonment";

    /// <summary>False: carts are never reminded of (state is still kept).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long after the last cart activity a cart with lines counts as abandoned.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>The delay when the customer's last cart activity was starting the checkout.</summary>
    public TimeSpan CheckoutDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Carts worth less than this (in the base currency) start no sequence.</summary>
    public decimal MinCartValue { get; set; }

    /// <summary>A new sequence starts no sooner than this after the previous one started.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A purchase this long after a cart SMS went out counts as recovered by it.</summary>
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// A step noticed later than this after its due time is skipped, not sent: a replayed
    /// history or a long outage must not text people about carts of days ago.
    /// </summary>
    public TimeSpan MaxLateness { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// The recovery link. Placeholders (URL-escaped): <c>{cart_id}</c>, <c>{session_id}</c>,
    /// <c>{customer_id}</c>, <c>{step}</c>, <c>{variant}</c>, <c>{experiment}</c>.
    /// </summary>
    public string RecoveryLink { get; set; } =
        "https://shop.example/cart/{cart_id}?utm_source=sms&utm_medium=sms&utm_campaign=cart_{step}&utm_content={variant}";

    /// <summary>The most message parts a cart SMS may take: cart lines are dropped, then shortened, to fit.</summary>
    public int MaxSegments { get; set; } = 2;

    /// <summary>The sequence, first step first.</summary>
    public List<AbandonmentStep> Steps { get; set; } = [new AbandonmentStep()];

    /// <summary>The delay that applies to this cart: the checkout one when starting the checkout was its last activity.</summary>
    public TimeSpan DelayFor(Cart cart) =>
        cart.CheckoutStartedAt is { } checkout && !(cart.UpdatedAt > checkout) ? CheckoutDelay : Delay;

    /// <summary>What is wrong with these rules (empty when usable), each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{SectionName}:{key} must be positive, got {value.ToString("c", CultureInfo.InvariantCulture)}");
            }
        }

        Positive(nameof(Delay), Delay);
        Positive(nameof(CheckoutDelay), CheckoutDelay);
        Positive(nameof(AttributionWindow), AttributionWindow);
        Positive(nameof(MaxLateness), MaxLateness);
        if (Cooldown < TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:{nameof(Cooldown)} must not be negative, got {Cooldown.ToString("c", CultureInfo.InvariantCulture)}");
        }

        if (MinCartValue < 0)
        {
            problems.Add($"{SectionName}:{nameof(MinCartValue)} must not be negative, got {MinCartValue.ToString(CultureInfo.InvariantCulture)}");
        }

        if (MaxSegments < 1)
        {
            problems.Add($"{SectionName}:{nameof(MaxSegments)} must be positive, got {MaxSegments.ToString(CultureInfo.InvariantCulture)}");
        }

        if (string.IsNullOrWhiteSpace(RecoveryLink))
        {
            problems.Add($"{SectionName}:{nameof(RecoveryLink)} must not be empty");
        }

        if (Enabled && Steps.Count == 0)
        {
            problems.Add($"{SectionName}:{nameof(Steps)} must hold at least one step");
        }

        for (var i = 0; i < Steps.Count; i++)
        {
            var step = Steps[i];
            var key = $"{SectionName}:{nameof(Steps)}:{i}";
            if (!Slug().IsMatch(step.Name))
            {
                problems.Add($"{key}:{nameof(step.Name)} must be 1-32 of a-z, 0-9, '-' or '_' (it names templates and metrics), got \"{step.Name}\"");
            }

            if (step.After < TimeSpan.Zero || (i > 0 && step.After <= Steps[i - 1].After))
            {
                problems.Add($"{key}:{nameof(step.After)} must not be negative and must grow from step to step, got {step.After.ToString("c", CultureInfo.InvariantCulture)}");
            }

            if (step.Variants.Any(v => !Slug().IsMatch(v.Name) || v.Weight < 1))
            {
                problems.Add($"{key}:{nameof(step.Variants)} need a name of 1-32 of a-z, 0-9, '-' or '_' and a weight of at least 1");
            }

            if (step.Variants.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() != step.Variants.Count)
            {
                problems.Add($"{key}:{nameof(step.Variants)} has a variant name twice");
            }
        }

        if (Steps.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != Steps.Count)
        {
            problems.Add($"{SectionName}:{nameof(Steps)} has a step name twice (configuration appended to the defaults?)");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex Slug();
}

/// <summary>One message of the abandonment sequence.</summary>
public sealed class AbandonmentStep
{
    /// <summary>Names the step in templates (<c>cart_abandoned:NAME.en</c>), links, metrics and <c>sms log</c>.</summary>
    public string Name { get; set; } = "reminder";

    /// <summary>How long after the cart was abandoned (the first step's due time) this step is due.</summary>
    public TimeSpan After { get; set; }

    /// <summary>The incentive the message offers (the template's <c>incentive</c>), e.g. "10% off with code BACK10".</summary>
    public string? Incentive { get; set; }

    /// <summary>Only customers holding one of these tiers get this step (empty, no <see cref="MinLifetimeSpend"/> and no <see cref="Segments"/>: everyone).</summary>
    public List<string> Tiers { get; set; } = [];

    /// <summary>Or, the spend segment: customers whose lifetime spend (base currency) is at least this.</summary>
    public decimal? MinLifetimeSpend { get; set; }

    /// <summary>Or, customers in one of these named segments (<c>Segments:Rules:{name}</c>, e.g. high-value) as last evaluated.</summary>
    public List<string> Segments { get; set; } = [];

    /// <summary>The experiment its variants belong to; default <c>cart-NAME</c>.</summary>
    public string? Experiment { get; set; }

    /// <summary>Weighted template variants (A/B); none: one variant, <see cref="ExperimentVariants.Default"/>.</summary>
    public List<AbandonmentVariant> Variants { get; set; } = [];

    public string ExperimentName => string.IsNullOrWhiteSpace(Experiment) ? "cart-" + Name : Experiment;

    /// <summary>Whether a customer of this tier, lifetime spend and segments is in the step's audience.</summary>
    public bool IsFor(string? tier, decimal lifetimeSpend, IReadOnlyCollection<string>? segments = null)
    {
        if (Tiers.Count == 0 && MinLifetimeSpend is null && Segments.Count == 0)
        {
            return true;
        }

        return (tier is not null && Tiers.Contains(tier, StringComparer.OrdinalIgnoreCase))
            || (MinLifetimeSpend is { } min && lifetimeSpend >= min)
            || (segments is not null && Segments.Any(s => segments.Contains(s, StringComparer.Ordinal)));
    }
}

/// <summary>A template variant of a step and its share of customers.</summary>
public sealed class AbandonmentVariant
{
    /// <summary>Names the variant in templates (<c>cart_abandoned:STEP-NAME.en</c>), links, metrics and reports.</summary>
    public string Name { get; set; } = "";

    /// <summary>Relative weight: weights 1 and 3 give a quarter and three quarters of customers.</summary>
    public int Weight { get; set; } = 1;
}
