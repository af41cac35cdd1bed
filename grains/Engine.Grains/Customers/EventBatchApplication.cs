using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Processing;

namespace Engine.Grains.Customers;

/// <summary>A batch of one customer's events applied to its state, in order, each exactly once.</summary>
public static class EventBatchApplication
{
    /// <summary>
    /// The streams where the state is behind the last event the ingestion gave this customer:
    /// events applied but lost (a crash, a reload after a concurrent writer). Such a batch is
    /// refused, and the ingestion re-delivers from its last commit.
    /// </summary>
    public static List<string> Gaps(CustomerState state, EventBatch batch)
    {
        var gaps = new List<string>();
        foreach (var (stream, offset) in batch.ExpectedWatermarks ?? new Dictionary<string, long>())
        {
            if (state.Progress.WatermarkOf(stream) < offset)
            {
                gaps.Add(stream);
            }
        }

        return gaps;
    }

    /// <summary>
    /// Applies every event of the batch; returns the report and how many events moved a
    /// watermark (now unsaved). When the rules throw on an event (a fault, or arithmetic that
    /// overflowed) it stops there and the report names that event in
    /// <see cref="ApplyReport.Failure"/>: the state may be half-changed, so the caller must
    /// drop it (reload) before anything else reads it.
    /// </summary>
    public static (ApplyReport Report, int Changed) Apply(CustomerState state, EventBatch batch, CustomerRules rules)
    {
        int applied = 0, duplicates = 0, changed = 0;
        List<EventRejection>? rejections = null;
        foreach (var sequenced in batch.Events)
        {
            var watermark = state.Progress.WatermarkOf(sequenced.Position.Stream);
            ApplyOutcome outcome;
            try
            {
                outcome = state.Apply(sequenced, rules);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var failure = new ApplyFailure(sequenced.Position, sequenced.Event.EventId, ex.GetType().Name);
                return (new ApplyReport(0, 0, [], []) { Failure = failure }, 0);
            }

            if (state.Progress.WatermarkOf(sequenced.Position.Stream) != watermark)
            {
                changed++;
            }

            switch (outcome.Status)
            {
                case ApplyStatus.Applied:
                    applied++;
                    break;
                case ApplyStatus.Duplicate:
                    duplicates++;
                    break;
                case ApplyStatus.Rejected:
                    (rejections ??= []).Add(new EventRejection(sequenced.Position, sequenced.Event.EventId, outcome.Reason!));
                    break;
            }
        }

        return (new ApplyReport(applied, duplicates, rejections ?? [], []), changed);
    }
}
