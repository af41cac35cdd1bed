using Confluent.Kafka;

namespace Engine.Benchmarks;

/// <summary>
/// Row 1: the ceiling Kafka sets. A plain consumer in a new group reads every event and
/// does nothing with it but count it and touch its bytes.
/// </summary>
internal static class BareConsumerRun
{
    /// <summary>
    /// Returns the whole run from subscribe (group join included) and the rate over the
    /// measured events: from the message after the warm-up count (or the first message) to the last.
    /// </summary>
    public static (Measurement Total, Measurement Steady) Run(EventCorpus corpus, string name, ConsumerConfig config, TimeSpan timeout)
    {
        var expected = corpus.Total;
        var warmup = corpus.Warmup.Count;
        var start = ProcessSnapshot.Take();
        ProcessSnapshot? first = null;
        long seen = 0, bytes = 0;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Subscribe(corpus.Topics.Inbound);
        var deadline = DateTime.UtcNow + timeout;
        while (seen < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                continue;
            }

            if (seen == warmup)
            {
                first = ProcessSnapshot.Take();
            }

            seen++;
            bytes += result.Message.Value?.Length ?? 0;
        }

        var end = ProcessSnapshot.Take();
        consumer.Close();

        var incomplete = seen < expected;
        var note = incomplete ? $"TIMED OUT at {seen} of {expected}; " : "";
        var total = end.Since(start, name + ", from subscribe", seen, $"{note}includes group join; {bytes / 1024.0 / 1024.0:F1} MiB of JSON") with { Incomplete = incomplete };
        var steady = first is { } f
            ? end.Since(f, name + ", steady", seen - warmup - 1, note + (warmup > 0 ? $"after {warmup} warm-up events" : "from the first message")) with { Incomplete = incomplete }
            : total;
        return (total, steady);
    }
}
