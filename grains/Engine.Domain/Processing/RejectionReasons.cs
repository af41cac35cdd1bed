namespace Engine.Domain.Processing;

/// <summary>
/// Machine-readable reasons an event is refused. They become the dead-letter header and a
/// metric label, so they are a fixed, small set (never free text or personal data).
/// </summary>
public static class RejectionReasons
{
    public const string InvalidJson = "invalid-json";
    public const string UnknownType = "unknown-type";
    public const string MissingField = "missing-field";
    public const string InvalidField = "invalid-field";
    public const string NegativeAmount = "negative-amount";
    public const string UnknownCurrency = "unknown-currency";
    public const string CurrencyNotAccepted = "currency-not-accepted";
    public const string OversizedPayload = "oversized-payload";
    public const string KeyMismatch = "key-mismatch";
    public const string DuplicateOrder = "duplicate-order";
    /// <summary>A redemption repeating a redemptionId the customer already redeemed, under a new eventId.</summary>
    public const string DuplicateRedemption = "duplicate-redemption";
    /// <summary>A refund repeating a refundId the customer already had, under a new eventId.</summary>
    public const string DuplicateRefund = "duplicate-refund";
    /// <summary>An adjustment repeating an adjustmentId the customer already had, under a new eventId.</summary>
    public const string DuplicateAdjustment = "duplicate-adjustment";
    /// <summary>A redemption or a points removal larger than the points the customer holds.</summary>
    public const string InsufficientPoints = "insufficient-points";
    /// <summary>A refund of an order the customer does not have, or one older than the remembered orders.</summary>
    public const string UnknownOrder = "unknown-order";
    /// <summary>A refund that would bring the order's refunds above what was paid.</summary>
    public const string RefundExceedsOrder = "refund-exceeds-order";
    /// <summary>A number above the contract's bounds (Ingestion:Bounds): an amount, price, quantity or line count no real order has.</summary>
    public const string OutOfRange = "out-of-range";
    /// <summary>The rules threw on the event every time it was tried (an engine fault): dead-lettered so the partition goes on.</summary>
    public const string ApplyFailed = "apply-failed";
    /// <summary>A referral whose referrer is the customer themself.</summary>
    public const string SelfReferral = "self-referral";
    /// <summary>A referral of a customer another referrer already referred (the first referral counts).</summary>
    public const string AlreadyReferred = "already-referred";
}
