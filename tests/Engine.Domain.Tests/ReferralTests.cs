using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Processing;
using Engine.Domain.Referrals;
using Engine.Domain.Segments;

namespace Engine.Domain.Tests;

/// <summary>
/// Referrals: the referred customer records who referred them and owes the referrer two notices
/// (referred, bought), each once; the referrer counts each referred customer once however often
/// the news arrives.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ReferralTests
{
    private static readonly CustomerRules Rules = new();
    private readonly CustomerState _state = new() { CustomerId = Make.CustomerId };
    private long _offset;

    [Fact]
    public void A_referral_owes_the_referrer_a_referred_notice_and_the_first_purchase_a_bought_notice_once()
    {
        Assert.Equal(ApplyStatus.Applied, Apply(Referral("r-1")).Status);
        Assert.Equal([new ReferralNotice("r-1", Bought: false)], Notices());

        Apply(Make.Purchase(Make.T0.AddDays(1), 20m));
        Apply(Make.Purchase(Make.T0.AddDays(2), 30m));

        Assert.Equal([new ReferralNotice("r-1", false), new ReferralNotice("r-1", true)], Notices());
        Assert.Equal(["c-1:referral:referred", "c-1:referral:bought"], _state.Outbox.Messages.Where(m => m.Kind == OutboxKind.ReferralNotice).Select(m => m.Id));
    }

    [Fact]
    public void A_referral_after_the_first_purchase_reports_the_buyer_at_once()
    {
        Apply(Make.Purchase(Make.T0, 20m));

        Apply(Referral("r-1"));

        Assert.Equal([new ReferralNotice("r-1", false), new ReferralNotice("r-1", true)], Notices());
    }

    [Fact]
    public void Only_the_first_referrer_counts_and_a_self_referral_is_refused()
    {
        Apply(Referral("r-1"));

        Assert.Equal(ApplyStatus.Applied, Apply(Referral("r-1")).Status);
        Assert.Equal(RejectionReasons.AlreadyReferred, Apply(Referral("r-2")).Reason);
        Assert.Equal(RejectionReasons.SelfReferral, Apply(Referral(Make.CustomerId)).Reason);
        Assert.Single(Notices());
        Assert.Equal("r-1", _state.Referrals.ReferredBy);
    }

    [Fact]
    public void The_referrer_counts_each_referred_customer_and_buyer_once_however_often_told()
    {
        var referrals = new CustomerReferrals();

        Assert.True(referrals.Record("a", bought: false));
        Assert.False(referrals.Record("a", bought: false));
        Assert.True(referrals.Record("a", bought: true));
        Assert.False(referrals.Record("a", bought: true));
        // A bought notice that overtook the referred one still counts the referral.
        Assert.True(referrals.Record("b", bought: true));

        Assert.Equal((2, 2), (referrals.Referred, referrals.ReferredBuyers));
    }

    [Fact]
    public void Referrals_and_referred_buyers_are_segment_facts()
    {
        _state.Referrals.Record("a", bought: true);
        _state.Referrals.Record("b", bought: false);

        var facts = CustomerSegmentFacts.From(_state, Make.T0, 0, null);

        Assert.Equal(("2", "1"), (facts.Show("referrals"), facts.Show("referred_buyers")));
    }

    private ApplyOutcome Apply(CustomerEvent e) => _state.Apply(Make.At(e, _offset++), Rules);

    private ReferralEvent Referral(string referrer) => new()
    {
        EventId = "ref-" + Guid.NewGuid().ToString("N"),
        CustomerId = Make.CustomerId,
        OccurredAt = Make.T0,
        ReferrerId = referrer,
    };

    private List<ReferralNotice> Notices() => [.. _state.Outbox.Messages.Where(m => m.Kind == OutboxKind.ReferralNotice).Select(m => m.Referral!)];
}
