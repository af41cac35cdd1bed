namespace Engine.Domain.Events;

/// <summary>
/// The customer (<see cref="CustomerEvent.CustomerId"/>, the referred one) came through
/// <see cref="ReferrerId"/>'s referral. The referrer counts a referral, and a referred buyer once
/// the referred customer has bought.
/// </summary>
[GenerateSerializer, Immutable, Alias("engine.ReferralEvent")]
public sealed record ReferralEvent : CustomerEvent
{
    /// <summary>The customer who referred this one.</summary>
    [Id(0)] public required string ReferrerId { get; init; }

    public override string Type => EventTypes.Referral;
}
