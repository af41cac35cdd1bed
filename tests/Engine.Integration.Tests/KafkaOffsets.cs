using Confluent.Kafka;

namespace Engine.Integration.Tests;

/// <summary>Reads a consumer group's committed offsets and the topics' end offsets.</summary>
public static class KafkaOffsets
{
    /// <summary>True when the group has committed every partition of the topics up to its end.</summary>
    public static bool GroupCaughtUp(string bootstrap, string groupId, IEnumerable<string> topics, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = groupId, EnableAutoCommit = false }).Build();
        var all = topics.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p))).ToList();
        var committed = consumer.Committed(all, TimeSpan.FromSeconds(10)).ToDictionary(c => c.TopicPartition, c => c.Offset.Value);
        foreach (var partition in all)
        {
            var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            var done = committed.TryGetValue(partition, out var offset) ? offset : -1;
            if (end > 0 && done < end)
            {
                return false;
            }
        }

        return true;
    }
}
