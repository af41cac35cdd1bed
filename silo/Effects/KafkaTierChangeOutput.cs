using System.Text.Json;
using Engine.Grains.Effects;
using Engine.Silo.Kafka;

namespace Engine.Silo.Effects;

/// <summary>Publishes tier changes to the tier-changes topic (<c>Kafka:Topics:TierChanges</c>).</summary>
public sealed class KafkaTierChangeOutput(KafkaEndpoint endpoint)
    : KafkaEffectOutput(endpoint, endpoint.Topics.TierChanges, "tier-change-check"), ITierChangeOutput
{
    public Task PublishAsync(TierChangeRecord record, CancellationToken cancellationToken = default) =>
        PublishAsync(record.CustomerId, record.EffectId, JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "tier_change",
            effectId = record.EffectId,
            customerId = record.CustomerId,
            from = record.From,
            to = record.To,
            reason = record.Reason,
            at = record.At,
            historical = record.Historical,
        }), cancellationToken);
}
