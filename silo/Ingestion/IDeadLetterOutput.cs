using Confluent.Kafka;

namespace Engine.Silo.Ingestion;

/// <summary>Where refused events go (<see cref="DeadLetterPublisher"/>: the dead-letter topic).</summary>
internal interface IDeadLetterOutput
{
    /// <summary>Completes when the dead letter is stored; only then may the source offset be committed.</summary>
    Task PublishAsync(ConsumeResult<byte[]?, byte[]?> source, string reason, string detail);
}
