using Engine.Domain.Cart;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;

namespace Engine.Domain.Tests;

/// <summary>
/// The cart abandonment trigger as pure rules: the time is passed in (a fake clock moved by
/// the test), events go through <see cref="CustomerState.Apply"/>, and the outbox shows what
/// would be sent.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CartAbandonmentTests
{
    private static readonly DateTimeOffset T0 = Make.T0;
    private static readonly string Trigger = SmsTriggers.Key(SmsTrigger.CartAbandoned);

    private readonly CustomerRules _rules = new();
    private readonly CustomerState _state = SmsCustomer.Reachable();
    private long _offset;

    public CartAbandonmentTests() => _state.Cart.Lines.Clear();

    [Fact]
    public void Cart_activity_restarts_the_delay()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        Assert.Equal(T0.AddMinutes(60), NextDue());

        Apply(Make.AddToCart(T0.AddMinutes(30), "SKU-B"));
        Assert.Equal(T0.AddMinutes(90), NextDue());
        Assert.Empty(UpdateAt(T0.AddMinutes(60)).Notes);
        Assert.Empty(CartSms());

        UpdateAt(T0.AddMinutes(90));
        var message = Assert.Single(CartSms());
        Assert.Equal(($"{Make.CustomerId}:{Trigger}:1:reminder", OutboxStatus.Pending, T0.AddMinutes(90)), (message.Id, message.Status, message.CreatedAt));
        Assert.Null(NextDue());
    }

    [Fact]
    public void A_started_checkout_uses_the_shorter_delay_until_the_cart_changes_again()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        Apply(Make.CheckoutStarted(T0.AddMinutes(5)));
        Assert.Equal(T0.AddMinutes(35), NextDue());

        Apply(Make.AddToCart(T0.AddMinutes(10), "SKU-B"));
        Assert.Equal(T0.AddMinutes(70), NextDue());
    }

    [Fact]
    public void A_purchase_before_the_delay_sends_nothing()
    {
        Apply(Make.AddToCart(T0, "SKU-A", 2));
        Apply(Make.Purchase(T0.AddMinutes(59), 20m, items: [Make.Line("SKU-A", 2)]));

        Assert.Null(NextDue());
        Assert.Empty(UpdateAt(T0.AddHours(2)).Notes);
        Assert.Empty(CartSms());
    }

    [Fact]
    public void A_purchase_a_moment_before_the_due_time_wins_over_a_message_already_queued()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        UpdateAt(T0.AddMinutes(60));
        var message = Assert.Single(CartSms());

        // The purchase happened a second before the due time and arrived just after it.
        Apply(Make.Purchase(T0.AddMinutes(60).AddSeconds(-1), 10m, items: [Make.Line("SKU-A")]));
        var update = UpdateAt(T0.AddMinutes(60).AddSeconds(2));

        Assert.Equal((OutboxStatus.Cancelled, "cart-bought"), (message.Status, message.Detail));
        Assert.Contains(update.Notes, n => n.Kind == CartNoteKind.CancelledBought);
        Assert.True(SmsPlanning.IsStale(_state, message, T0.AddHours(2)));
    }

    [Fact]
    public void A_purchase_after_the_first_step_cancels_the_second_and_recovers_the_cart()
    {
        UseTwoSteps();
        Apply(Make.AddToCart(T0, "SKU-A", 1, 40m));
        UpdateAt(T0.AddMinutes(60));
        var first = Assert.Single(CartSms());
        Sent(first, T0.AddMinutes(60).AddSeconds(3));
        Assert.Equal(T0.AddMinutes(60).AddHours(24), NextDue());

        Apply(Make.Purchase(T0.AddHours(3), 40m, orderId: "o-back", items: [Make.Line("SKU-A", 1, 40m)]));
        var update = UpdateAt(T0.AddHours(3).AddSeconds(1));

        Assert.Null(NextDue());
        UpdateAt(T0.AddDays(2));
        Assert.Single(CartSms());
        var recovery = Assert.Single(_state.CartAbandonment.Recoveries);
        Assert.Equal(("reminder", ExperimentVariants.Default, "o-back", 40m), (recovery.Step, recovery.Variant, recovery.OrderId, recovery.Revenue));
        Assert.Contains(update.Notes, n => n.Kind == CartNoteKind.Recovered && n.Revenue == 40m);
        var tallies = _state.Outbox.Open(OutboxKind.ExperimentTally).Select(m => (m.Id, m.Tally!.Recovered)).ToList();
        Assert.Equal([(first.Id + ":sent", false), (first.Id + ":recovered", true)], tallies);
    }

    [Fact]
    public void Without_a_purchase_the_second_step_follows_a_day_later_for_its_audience_only()
    {
        UseTwoSteps();
        _state.Loyalty.Tier = "Gold";
        Apply(Make.AddToCart(T0, "SKU-A"));
        UpdateAt(T0.AddMinutes(60));
        UpdateAt(T0.AddMinutes(60).AddHours(24));

        var steps = CartSms().Select(m => (m.Sms!.Data["step"], m.Sms.Data.GetValueOrDefault("incentive"))).ToList();
        Assert.Equal([("reminder", null), ("incentive", "10% off with code BACK10")], steps);

        var bronze = new CartAbandonmentTests();
        bronze.UseTwoSteps();
        bronze._state.Loyalty.Tier = "Bronze";
        bronze.Apply(Make.AddToCart(T0, "SKU-A"));
        bronze.UpdateAt(T0.AddMinutes(60));
        var skipped = bronze.UpdateAt(T0.AddMinutes(60).AddHours(24));
        Assert.Single(bronze.CartSms());
        Assert.Contains(skipped.Notes, n => n.Kind == CartNoteKind.SkippedAudience && n.Step == "incentive");
    }

    [Fact]
    public void The_cooldown_blocks_a_second_sequence_until_it_is_over()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        UpdateAt(T0.AddMinutes(60));
        Apply(Make.Purchase(T0.AddHours(2), 10m, items: [Make.Line("SKU-A")]));
        UpdateAt(T0.AddHours(2));

        Apply(Make.AddToCart(T0.AddDays(2), "SKU-B"));
        Assert.Null(NextDue());
        UpdateAt(T0.AddDays(3));
        Assert.Single(CartSms());

        // Seven days after the first sequence started, a cart abandoned again starts the next one.
        Apply(Make.AddToCart(T0.AddDays(7), "SKU-C"));
        Assert.Equal(T0.AddDays(7).AddMinutes(60), NextDue());
        UpdateAt(T0.AddDays(7).AddMinutes(60));
        Assert.Equal([$"{Make.CustomerId}:{Trigger}:1:reminder", $"{Make.CustomerId}:{Trigger}:2:reminder"], CartSms().Select(m => m.Id));
    }

    [Fact]
    public void Quiet_hours_defer_the_reminder_and_a_purchase_during_the_deferral_cancels_it()
    {
        // 20:30 in Paris: the reminder falls due at 21:30, after the 21:00 end of the window.
        var evening = new DateTimeOffset(2026, 11, 23, 19, 30, 0, TimeSpan.Zero);
        Apply(Make.AddToCart(evening, "SKU-A"));
        UpdateAt(evening.AddMinutes(60));
        var message = Assert.Single(CartSms());

        var decision = SmsPlanning.DecideAttempt(_state, message, evening.AddMinutes(60), new SmsPolicyOptions());
        Assert.Equal((SmsOutcome.Defer, SmsDeferReasons.QuietHours), (decision.Outcome, decision.Reason));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero), message.DueAt);

        Apply(Make.Purchase(evening.AddHours(3), 10m, items: [Make.Line("SKU-A")]));
        UpdateAt(evening.AddHours(3));
        Assert.Equal((OutboxStatus.Cancelled, "cart-bought"), (message.Status, message.Detail));
        Assert.Empty(SmsPlanning.Due(_state, new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Emptying_the_cart_cancels_the_pending_reminder()
    {
        Apply(Make.AddToCart(T0, "SKU-A", 2));
        UpdateAt(T0.AddMinutes(60));
        Apply(Make.RemoveFromCart(T0.AddMinutes(61), "SKU-A"));
        UpdateAt(T0.AddMinutes(61));

        var message = Assert.Single(CartSms());
        Assert.Equal((OutboxStatus.Cancelled, "cart-emptied"), (message.Status, message.Detail));
        Assert.False(_state.CartAbandonment.Active);
    }

    [Fact]
    public void A_cart_below_the_minimum_value_starts_no_sequence()
    {
        _rules.CartAbandonment.MinCartValue = 25m;
        Apply(Make.AddToCart(T0, "SKU-A", 2, 10m));
        Assert.Null(NextDue());

        Apply(Make.AddToCart(T0.AddMinutes(5), "SKU-B", 1, 10m));
        Assert.Equal(T0.AddMinutes(65), NextDue());
    }

    [Fact]
    public void A_step_noticed_long_after_its_due_time_is_skipped_not_sent()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        var update = UpdateAt(T0.AddMinutes(60) + _rules.CartAbandonment.MaxLateness + TimeSpan.FromSeconds(1));

        Assert.Empty(CartSms());
        Assert.Contains(update.Notes, n => n.Kind == CartNoteKind.SkippedLate);
        Assert.Null(NextDue());
    }

    [Fact]
    public void Deciding_twice_at_the_same_instant_changes_nothing_more()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        UpdateAt(T0.AddMinutes(60));
        var again = UpdateAt(T0.AddMinutes(60));

        Assert.Equal((0, false), (again.Effects, again.Changed));
        Assert.Single(CartSms());
    }

    [Fact]
    public void The_message_records_its_variant_and_a_recovery_link_naming_step_and_variant()
    {
        _rules.CartAbandonment.Steps[0].Variants = [new AbandonmentVariant { Name = "a" }, new AbandonmentVariant { Name = "b" }];
        Apply(Make.Click(ClickAction.AddToCart, T0, "SKU-A", 1, 10m, sessionId: "s 42"));
        UpdateAt(T0.AddMinutes(60));

        var data = Assert.Single(CartSms()).Sms!.Data;
        var variant = ExperimentVariants.Pick(Make.CustomerId, "cart-reminder", _rules.CartAbandonment.Steps[0].Variants);
        Assert.Equal((variant, "cart-reminder", "c-1-1"), (data["variant"], data["experiment"], data["cart_id"]));
        Assert.Equal($"https://shop.example/cart/c-1-1?utm_source=sms&utm_medium=sms&utm_campaign=cart_reminder&utm_content={variant}", data["link"]);
        Assert.Equal("s%2042", CartReminders.RecoveryLink("{session_id}", new Dictionary<string, string?> { ["session_id"] = _state.Cart.SessionId }));
    }

    [Fact]
    public void A_purchase_before_the_message_went_out_or_after_the_window_recovers_nothing()
    {
        Apply(Make.AddToCart(T0, "SKU-A"));
        Apply(Make.AddToCart(T0, "SKU-B"));
        UpdateAt(T0.AddMinutes(60));
        var message = Assert.Single(CartSms());
        Sent(message, T0.AddMinutes(61));

        // Bought one line before the SMS, and the rest after the 72 h window.
        Apply(Make.Purchase(T0.AddMinutes(50), 10m, items: [Make.Line("SKU-A")]));
        Apply(Make.Purchase(T0.AddMinutes(61).AddHours(72).AddSeconds(1), 10m, items: [Make.Line("SKU-B")]));
        UpdateAt(T0.AddDays(4));

        Assert.Empty(_state.CartAbandonment.Recoveries);
    }

    [Fact]
    public void Variants_are_sticky_per_customer_and_split_customers_by_weight()
    {
        List<AbandonmentVariant> variants = [new() { Name = "control", Weight = 1 }, new() { Name = "emoji", Weight = 3 }];
        var picks = Enumerable.Range(0, 20_000).Select(i => ExperimentVariants.Pick($"c-{i}", "cart-reminder", variants)).ToList();

        Assert.Equal(picks, Enumerable.Range(0, 20_000).Select(i => ExperimentVariants.Pick($"c-{i}", "cart-reminder", variants)));
        var share = picks.Count(p => p == "emoji") / 20_000.0;
        Assert.InRange(share, 0.73, 0.77);
        Assert.Equal(ExperimentVariants.Default, ExperimentVariants.Pick("c-1", "cart-reminder", []));
    }

    [Fact]
    public void The_default_rules_are_valid_and_a_repeated_step_is_reported()
    {
        Assert.Empty(new CartAbandonmentRules().Validate());

        var appended = new CartAbandonmentRules();
        appended.Steps.Add(new AbandonmentStep { After = TimeSpan.FromHours(24) });
        Assert.Contains(appended.Validate(), p => p.Contains("step name twice", StringComparison.Ordinal));
        Assert.Contains(new CartAbandonmentRules { Delay = TimeSpan.Zero }.Validate(), p => p.StartsWith("CartAbandonment:Delay", StringComparison.Ordinal));
    }

    [Fact]
    public void An_incentive_step_restricted_to_a_segment_goes_to_its_live_members_only()
    {
        var member = new CartAbandonmentTests();
        member.UseTwoSteps(tiers: [], segments: ["high-value"]);
        member._state.Loyalty.Tier = "Bronze";
        member._state.Segments.Set(["frequent", "high-value"]);
        member.Apply(Make.AddToCart(T0, "SKU-A"));
        member.UpdateAt(T0.AddMinutes(60));
        member.UpdateAt(T0.AddMinutes(60).AddHours(24));
        Assert.Equal(["reminder", "incentive"], member.CartSms().Select(m => m.Sms!.Data["step"]));

        var other = new CartAbandonmentTests();
        other.UseTwoSteps(tiers: [], segments: ["high-value"]);
        other._state.Loyalty.Tier = "Bronze";
        other._state.Segments.Set(["frequent"]);
        other.Apply(Make.AddToCart(T0, "SKU-A"));
        other.UpdateAt(T0.AddMinutes(60));
        var skipped = other.UpdateAt(T0.AddMinutes(60).AddHours(24));
        Assert.Single(other.CartSms());
        Assert.Contains(skipped.Notes, n => n.Kind == CartNoteKind.SkippedAudience && n.Step == "incentive");
    }

    private void UseTwoSteps(List<string>? tiers = null, List<string>? segments = null) => _rules.CartAbandonment.Steps.Add(new AbandonmentStep
    {
        Name = "incentive",
        After = TimeSpan.FromHours(24),
        Incentive = "10% off with code BACK10",
        Tiers = tiers ?? ["Gold", "Platinum"],
        Segments = segments ?? [],
    });

    private void Apply(CustomerEvent e) => Assert.NotEqual(Processing.ApplyStatus.Rejected, _state.Apply(Make.At(e, _offset++), _rules).Status);

    private CartUpdate UpdateAt(DateTimeOffset now) => CartReminders.Update(_state, now, _rules);

    private DateTimeOffset? NextDue() => CartReminders.NextDueAt(_state, _rules);

    private List<OutboxMessage> CartSms() => [.. _state.Outbox.Messages.Where(m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == Trigger)];

    /// <summary>What the send protocol does when the gateway takes the message.</summary>
    private void Sent(OutboxMessage message, DateTimeOffset at)
    {
        message.SentAt = at;
        _state.Outbox.Complete(message, OutboxStatus.Done, at);
        Assert.True(CartReminders.RecordSent(_state, message, at));
    }
}
