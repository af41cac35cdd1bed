using Engine.Domain.Events;
using Engine.Domain.Processing;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class StreamProgressTests
{
    private static readonly DateTimeOffset T0 = Make.T0;

    private static SequencedEvent Event(string eventId, long offset, string stream = Make.ClickStream) =>
        Make.At(Make.Click(ClickAction.PageView, T0, eventId: eventId), offset, stream);

    [Fact]
    public void Nothing_is_seen_before_anything_is_recorded()
    {
        var progress = new StreamProgress();

        Assert.Equal(-1, progress.WatermarkOf(Make.ClickStream));
        Assert.False(progress.HasSeen(Event("e-1", 0)));
    }

    [Fact]
    public void Event_at_or_below_the_watermark_is_seen()
    {
        var progress = new StreamProgress();
        progress.Record(Event("e-10", 10));

        Assert.True(progress.HasSeen(Event("other-1", 10)));
        Assert.True(progress.HasSeen(Event("other-2", 3)));
        Assert.False(progress.HasSeen(Event("other-3", 11)));
    }

    [Fact]
    public void Watermark_never_moves_back()
    {
        var progress = new StreamProgress();
        progress.Record(Event("e-10", 10));
        progress.Record(Event("e-4", 4));

        Assert.Equal(10, progress.WatermarkOf(Make.ClickStream));
    }

    [Fact]
    public void Watermarks_are_per_stream()
    {
        var progress = new StreamProgress();
        progress.Record(Event("e-1", 100, "engagement.clicks/0"));

        Assert.False(progress.HasSeen(Event("e-2", 5, "engagement.clicks/1")));
        Assert.False(progress.HasSeen(Event("e-3", 5, "engagement.purchases/0")));
        Assert.Equal(-1, progress.WatermarkOf("engagement.clicks/1"));
    }

    [Fact]
    public void Same_event_id_at_a_new_offset_is_seen()
    {
        var progress = new StreamProgress();
        progress.Record(Event("e-1", 0));

        Assert.True(progress.HasSeen(Event("e-1", 7)));
        Assert.True(progress.HasSeen(Event("e-1", 0, "engagement.clicks/3")));
    }

    [Fact]
    public void Recent_ids_are_a_ring_of_thirty_two()
    {
        var progress = new StreamProgress();
        progress.Record(Event("first", 0));
        for (var i = 1; i < StreamProgress.DefaultRecentEventIdCapacity; i++)
        {
            progress.Record(Event($"e-{i}", i));
        }

        Assert.Equal(32, StreamProgress.DefaultRecentEventIdCapacity);
        Assert.True(progress.HasSeen(Event("first", 1000)));

        progress.Record(Event("one-more", StreamProgress.DefaultRecentEventIdCapacity));

        Assert.Equal(StreamProgress.DefaultRecentEventIdCapacity, progress.RecentEventIds.Count);
        Assert.False(progress.HasSeen(Event("first", 1000)));
        Assert.True(progress.HasSeen(Event("e-1", 1000)));
    }

    [Fact]
    public void Event_id_hash_is_stable_across_processes()
    {
        // Persisted in state, so it must never change (string.GetHashCode would differ per process):
        // 64-bit FNV-1a over the low then high byte of each UTF-16 code unit.
        Assert.Equal(15525714357524735302UL, EventIdHash.Of("evt-1"));
        Assert.NotEqual(EventIdHash.Of("evt-1"), EventIdHash.Of("evt-2"));
        Assert.NotEqual(EventIdHash.Of("ab"), EventIdHash.Of("ba"));
        Assert.Equal(14695981039346656037UL, EventIdHash.Of(""));
    }
}
