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
    public const string ApplyFailed = "apply-failed";
}
