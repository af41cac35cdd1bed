namespace Engine.Domain.Referrals;

/// <summary>
/// A customer's part in referrals. As a referrer: the customers they referred and those of them
/// who bought (the <c>referrals</c> and <c>referred_buyers</c> segment facts), each counted once
/// by the referred customer's id, however often the news is delivered. As a referred customer:
/// who referred them, and whether that referrer has been told of their first purchase.
/// </summary>
[GenerateSerializer, Alias("engine.CustomerReferrals")]
public sealed class CustomerReferrals
{
    [Id(0)] private List<string> _referred = [];
    [Id(1)] private List<string> _buyers = [];

    /// <summary>The customer who referred this one (null: none).</summary>
    [Id(2)] public string? ReferredBy { get; set; }

    /// <summary>The referrer has been told (through the outbox) that this customer bought.</summary>
    [Id(3)] public bool PurchaseReported { get; set; }

    /// <summary>Customers this one referred.</summary>
    public int Referred => _referred.Count;

    /// <summary>Customers this one referred who made a purchase.</summary>
    public int ReferredBuyers => _buyers.Count;

    /// <summary>As the referrer: records a referred customer (and that they bought); returns whether anything was new.</summary>
    public bool Record(string referredCustomerId, bool bought)
    {
        var changed = Add(_referred, referredCustomerId);
        if (bought)
        {
            changed |= Add(_buyers, referredCustomerId);
        }

        return changed;
    }

    private static bool Add(List<string> ids, string id)
    {
        var at = ids.BinarySearch(id, StringComparer.Ordinal);
        if (at >= 0)
        {
            return false;
        }

        ids.Insert(~at, id);
        return true;
    }
}
