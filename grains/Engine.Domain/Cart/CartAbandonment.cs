namespace Engine.Domain.Cart;

/// <summary>
/// A customer's cart abandonment sequence: when the cart counts as abandoned, which step is
/// due next, the cooldown between sequences, and what the sequence's messages recovered.
/// Pure and clock-free: the caller says what time it is. Persisted in the customer's state:
/// field ids are permanent.
/// </summary>
/// <remarks>
/// A cart with lines is abandoned <see cref="CartAbandonmentRules.DelayFor"/> after its last
/// activity (an add, a removal, a started checkout, a purchase of some of it). That moment
/// starts a sequence (unless the cooldown since the previous one, the minimum value or
/// lateness forbids it) and is the first step's due time; each later step is due its
/// <see cref="AbandonmentStep.After"/> after it. Activity during a sequence restarts the
/// clock: the next step is due no sooner than the delay after it. An emptied or bought cart
/// ends the sequence (<see cref="End"/>).
/// </remarks>
[GenerateSerializer, Alias("engine.CartAbandonment")]
public sealed class CartAbandonment
{
    /// <summary>Cart SMS remembered for attribution.</summary>
    public const int SentCapacity = 8;

    /// <summary>Recoveries remembered, so an order recovers one sequence once.</summary>
    public const int RecoveryCapacity = 16;

    /// <summary>Sequences started over the customer's life; the number of the current or latest one.</summary>
    [Id(0)] public int Sequence { get; set; }

    /// <summary>The current sequence still has steps to take.</summary>
    [Id(1)] public bool Active { get; set; }

    /// <summary>When the current or latest sequence started: its cart's abandonment, its first step's due time.</summary>
    [Id(2)] public DateTimeOffset? AbandonedAt { get; set; }

    /// <summary>Index of the current sequence's next step.</summary>
    [Id(3)] public int NextStep { get; set; }

    /// <summary>The cart activity the latest start decision was made for: no second decision for the same activity.</summary>
    [Id(4)] public DateTimeOffset? DecidedActivityAt { get; set; }

    /// <summary>Cart SMS that went out, newest last, for attribution.</summary>
    [Id(5)] public List<CartSmsSent> Sent { get; set; } = [];

    /// <summary>Sequences recovered by a purchase, newest last.</summary>
    [Id(6)] public List<CartRecovery> Recoveries { get; set; } = [];

    /// <summary>The cart's last activity: its newest change or started checkout.</summary>
    public static DateTimeOffset? LastActivity(Cart cart) =>
        cart.CheckoutStartedAt is { } checkout && !(cart.UpdatedAt > checkout) ? checkout : cart.UpdatedAt;

    /// <summary>When <see cref="Advance"/> next has something to decide (possibly already past), or null.</summary>
    public DateTimeOffset? NextDueAt(Cart cart, CartFacts facts, CartAbandonmentRules rules)
    {
        if (!rules.Enabled || cart.IsEmpty || rules.Steps.Count == 0 || LastActivity(cart) is not { } last)
        {
            return null;
        }

        var restart = last + rules.DelayFor(cart);
        if (Active && NextStep < rules.Steps.Count && AbandonedAt is { } abandoned)
        {
            var stepDue = abandoned + rules.Steps[NextStep].After;
            return stepDue > restart ? stepDue : restart;
        }

        if (DecidedActivityAt >= last || facts.CartValueInBase < rules.MinCartValue || InCooldown(restart, rules))
        {
            // Nothing to decide until the cart changes; a change comes with an event, which asks again.
            return null;
        }

        return restart;
    }

    /// <summary>
    /// Decides what is due at <paramref name="now"/>: starts a sequence, takes its due steps
    /// (each once), skips what is too late or not for this customer. Returns what happened,
    /// in order; running it again for the same instant changes nothing.
    /// </summary>
    public IReadOnlyList<AbandonmentOutcome> Advance(Cart cart, CartFacts facts, DateTimeOffset now, CartAbandonmentRules rules)
    {
        List<AbandonmentOutcome>? outcomes = null;
        for (var guard = 0; guard <= rules.Steps.Count && NextDueAt(cart, facts, rules) is { } due && due <= now; guard++)
        {
            var late = now - due > rules.MaxLateness;
            if (!Active)
            {
                DecidedActivityAt = LastActivity(cart);
                if (late)
                {
                    (outcomes ??= []).Add(new AbandonmentOutcome(AbandonmentOutcomeKind.SkippedLate, Sequence, null, due));
                    break;
                }

                Sequence++;
                Active = true;
                AbandonedAt = due;
                NextStep = 0;
                (outcomes ??= []).Add(new AbandonmentOutcome(AbandonmentOutcomeKind.Started, Sequence, null, due));
                continue;
            }

            var index = NextStep++;
            Active = NextStep < rules.Steps.Count;
            var step = rules.Steps[index];
            var kind = late ? AbandonmentOutcomeKind.SkippedLate
                : step.IsFor(facts.Tier, facts.LifetimeSpend, facts.Segments) ? AbandonmentOutcomeKind.StepDue
                : AbandonmentOutcomeKind.SkippedAudience;
            (outcomes ??= []).Add(new AbandonmentOutcome(kind, Sequence, index, due));
        }

        return outcomes ?? (IReadOnlyList<AbandonmentOutcome>)[];
    }

    /// <summary>The cart was emptied or bought: the sequence has no more steps. Returns whether one was running.</summary>
    public bool End()
    {
        var wasActive = Active;
        Active = false;
        return wasActive;
    }

    /// <summary>Remembers a cart SMS that went out, for attribution; older ones out of any window are forgotten.</summary>
    public void RecordSent(CartSmsSent sent)
    {
        if (Sent.Exists(s => s.MessageId == sent.MessageId))
        {
            return;
        }

        if (Sent.Count >= SentCapacity)
        {
            Sent.RemoveAt(0);
        }

        Sent.Add(sent);
    }

    /// <summary>
    /// Attributes purchases to the cart SMS before them: an order placed within the window after
    /// a message recovers that message's sequence, once (the latest message sent before the
    /// order gets the credit: last touch), and an order recovers at most one sequence. Returns
    /// the new recoveries.
    /// </summary>
    public IReadOnlyList<CartRecovery> Attribute(IEnumerable<(string OrderId, DateTimeOffset At, decimal AmountInBase)> orders, DateTimeOffset now, TimeSpan window)
    {
        if (Sent.Count == 0)
        {
            return [];
        }

        List<CartRecovery>? recovered = null;
        foreach (var order in orders.OrderBy(o => o.At))
        {
            if (Recoveries.Exists(r => r.OrderId == order.OrderId))
            {
                continue;
            }

            var credited = Sent
                .Where(s => s.SentAt <= order.At && order.At <= s.SentAt + window && !Recoveries.Exists(r => r.Sequence == s.Sequence))
                .OrderBy(s => s.SentAt)
                .LastOrDefault();
            if (credited is null)
            {
                continue;
            }

            var recovery = new CartRecovery(credited.Sequence, credited.MessageId, credited.Step, credited.Experiment, credited.Variant, order.OrderId, order.AmountInBase, order.At);
            if (Recoveries.Count >= RecoveryCapacity)
            {
                Recoveries.RemoveAt(0);
            }

            Recoveries.Add(recovery);
            (recovered ??= []).Add(recovery);
        }

        // Messages whose window is over can credit nothing more.
        Sent.RemoveAll(s => s.SentAt + window < now);
        return recovered ?? (IReadOnlyList<CartRecovery>)[];
    }

    private bool InCooldown(DateTimeOffset start, CartAbandonmentRules rules) =>
        AbandonedAt is { } previous && start < previous + rules.Cooldown;
}

/// <summary>What the abandonment rules need to know of the customer besides the cart.</summary>
public readonly record struct CartFacts(decimal CartValueInBase, string? Tier, decimal LifetimeSpend, IReadOnlyCollection<string>? Segments = null);

public enum AbandonmentOutcomeKind
{
    /// <summary>The cart is abandoned: a sequence starts.</summary>
    Started,
    /// <summary>A step is due: its message is to be queued.</summary>
    StepDue,
    /// <summary>Noticed too late after its due time (<see cref="CartAbandonmentRules.MaxLateness"/>): nothing is sent.</summary>
    SkippedLate,
    /// <summary>The step is not for this customer's tier or segment.</summary>
    SkippedAudience,
}

/// <summary>One decision of <see cref="CartAbandonment.Advance"/>; <see cref="Step"/> is the step's index, null for the sequence itself.</summary>
public sealed record AbandonmentOutcome(AbandonmentOutcomeKind Kind, int Sequence, int? Step, DateTimeOffset DueAt);

/// <summary>A cart SMS that went out: which sequence, step and variant, and when.</summary>
[GenerateSerializer, Immutable, Alias("engine.CartSmsSent")]
public sealed record CartSmsSent(
    [property: Id(0)] string MessageId,
    [property: Id(1)] int Sequence,
    [property: Id(2)] string Step,
    [property: Id(3)] string Experiment,
    [property: Id(4)] string Variant,
    [property: Id(5)] DateTimeOffset SentAt);

/// <summary>A sequence recovered by an order: the message credited and the order's value in the base currency.</summary>
[GenerateSerializer, Immutable, Alias("engine.CartRecovery")]
public sealed record CartRecovery(
    [property: Id(0)] int Sequence,
    [property: Id(1)] string MessageId,
    [property: Id(2)] string Step,
    [property: Id(3)] string Experiment,
    [property: Id(4)] string Variant,
    [property: Id(5)] string OrderId,
    [property: Id(6)] decimal Revenue,
    [property: Id(7)] DateTimeOffset At);
