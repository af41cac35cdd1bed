using Engine.Domain.Customers;
using Engine.Domain.Events;
using Engine.Domain.Processing;

namespace Engine.Domain.Tests;

/// <summary>
/// One customer's state fed the way the ingestion feeds it: each event at the next offset of
/// its topic's partition, so tests read as "this arrived, then that arrived".
/// </summary>
internal sealed class CustomerFeed(CustomerRules? rules = null)
{
    private readonly Dictionary<string, long> _nextOffset = new(StringComparer.Ordinal);

    public CustomerRules Rules { get; } = rules ?? new CustomerRules();

    public CustomerState State { get; } = new() { CustomerId = Make.CustomerId };

    public ApplyOutcome Apply(CustomerEvent e)
    {
        var stream = Make.StreamOf(e);
        var offset = _nextOffset.GetValueOrDefault(stream);
        _nextOffset[stream] = offset + 1;
        return State.Apply(Make.At(e, offset, stream), Rules);
    }

    public void ApplyAll(params CustomerEvent[] events)
    {
        foreach (var e in events)
        {
            Assert.Equal(ApplyStatus.Applied, Apply(e).Status);
        }
    }
}
