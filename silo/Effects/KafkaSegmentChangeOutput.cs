using System.Text.Json;
using Engine.Grains.Effects;
using Engine.Silo.Kafka;

namespace Engine.Silo.Effects;

/// <summary>Publishes segment membership changes to the segment-changes topic (<c>Kafka:Topics:SegmentChanges</c>); docs/events.md has the record.</summary>
public sealed class KafkaSegmentChangeOutput(KafkaEndpoint endpoint)
    : KafkaEffectOutput(endpoint, endpoint.Topics.SegmentChanges, "segment-change-check"), ISegmentChangeOutput
{
    public Task PublishAsync(SegmentChangeRecord record, CancellationToken cancellationToken = default) =>
        PublishAsync(record.CustomerId, record.EffectId, JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "segment_change",
            effectId = record.EffectId,
            customerId = record.CustomerId,
            segment = record.Segment,
            direction = record.Entered ? "entered" : "left",
            reason = record.Reason,
            at = record.At,
            modelVersion = record.ModelVersion,
            historical = record.Historical,
        }), cancellationToken);
}
