using Engine.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Kafka;

/// <summary>
/// <see cref="KafkaOptions"/>: a consumer group, a name for every topic, topics the engine
/// writes that it does not also read (a dead letter read back would be refused and
/// dead-lettered again, forever), and an embedded broker with brokers and partitions.
/// </summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var topics = options.Topics;
        var problems = new SectionProblems(KafkaOptions.SectionName)
            .NotBlank(nameof(options.GroupId), options.GroupId)
            .NotBlank(Topic(nameof(topics.Purchases)), topics.Purchases)
            .NotBlank(Topic(nameof(topics.Clicks)), topics.Clicks)
            .NotBlank(Topic(nameof(topics.Customers)), topics.Customers)
            .NotBlank(Topic(nameof(topics.DeadLetter)), topics.DeadLetter)
            .NotBlank(Topic(nameof(topics.TierChanges)), topics.TierChanges)
            .NotBlank(Topic(nameof(topics.SegmentChanges)), topics.SegmentChanges)
            .Require(!topics.Inbound.Contains(topics.DeadLetter), Topic(nameof(topics.DeadLetter)), "must not be a topic the engine reads", $"\"{topics.DeadLetter}\"")
            .Require(!topics.Inbound.Contains(topics.TierChanges), Topic(nameof(topics.TierChanges)), "must not be a topic the engine reads", $"\"{topics.TierChanges}\"")
            .Require(!topics.Inbound.Contains(topics.SegmentChanges), Topic(nameof(topics.SegmentChanges)), "must not be a topic the engine reads", $"\"{topics.SegmentChanges}\"")
            .Require(topics.SegmentChanges != topics.TierChanges, Topic(nameof(topics.SegmentChanges)), "must not be the tier-changes topic", $"\"{topics.SegmentChanges}\"")
            .Positive($"{nameof(options.Embedded)}:{nameof(options.Embedded.Brokers)}", options.Embedded.Brokers)
            .Positive($"{nameof(options.Embedded)}:{nameof(options.Embedded.Partitions)}", options.Embedded.Partitions)
            .Positive(nameof(options.EffectTimeout), options.EffectTimeout)
            .Require(options.EffectTimeout <= KafkaOptions.MaxEffectTimeout, nameof(options.EffectTimeout), $"must be at most {KafkaOptions.MaxEffectTimeout:c} (below the grain call timeout)", options.EffectTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        return problems.Result();
    }

    private static string Topic(string key) => $"{nameof(KafkaOptions.Topics)}:{key}";
}
