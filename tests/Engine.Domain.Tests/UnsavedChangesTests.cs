using Engine.Domain.Processing;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class UnsavedChangesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly WriteBehindLimits Limits = new(MaxUnsavedEvents: 200, MaxUnsavedAge: TimeSpan.FromMinutes(1), MaxEffectDelay: TimeSpan.Zero);

    [Fact]
    public void Nothing_unsaved_means_no_write_is_due()
    {
        var unsaved = new UnsavedChanges(Limits);

        Assert.Null(unsaved.WriteDueAt());
        Assert.False(unsaved.IsWriteDue(Start.AddYears(1)));
    }

    [Fact]
    public void Events_are_due_when_the_oldest_is_MaxUnsavedAge_old()
    {
        var unsaved = new UnsavedChanges(Limits);
        unsaved.EventsApplied(3, Start);
        unsaved.EventsApplied(2, Start.AddSeconds(40));

        Assert.Equal(Start.AddMinutes(1), unsaved.WriteDueAt());
        Assert.False(unsaved.IsWriteDue(Start.AddSeconds(59)));
        Assert.True(unsaved.IsWriteDue(Start.AddMinutes(1)));
        Assert.Equal(5, unsaved.Events);
    }

    [Fact]
    public void An_effect_is_due_at_once_with_the_default_delay_whatever_the_age_of_the_events()
    {
        var unsaved = new UnsavedChanges(Limits);
        unsaved.EventsApplied(1, Start);
        unsaved.EffectsDecided(1, Start.AddSeconds(5));

        Assert.True(unsaved.EffectsWaiting);
        Assert.True(unsaved.IsWriteDue(Start.AddSeconds(5)));
    }

    [Fact]
    public void An_effect_waits_at_most_MaxEffectDelay_when_one_is_set()
    {
        var unsaved = new UnsavedChanges(Limits with { MaxEffectDelay = TimeSpan.FromSeconds(30) });
        unsaved.EventsApplied(1, Start);
        unsaved.EffectsDecided(1, Start.AddSeconds(5));

        Assert.Equal(Start.AddSeconds(35), unsaved.WriteDueAt());
    }

    [Fact]
    public void Bookkeeping_waits_as_events_do()
    {
        var unsaved = new UnsavedChanges(Limits);
        unsaved.Changed(Start);

        Assert.Equal(Start.AddMinutes(1), unsaved.WriteDueAt());
        Assert.Equal(0, unsaved.Events);
        Assert.False(unsaved.EffectsWaiting);
    }

    [Fact]
    public void Too_many_changes_write_at_once()
    {
        var unsaved = new UnsavedChanges(Limits with { MaxUnsavedEvents = 10 });
        unsaved.EventsApplied(9, Start);
        Assert.False(unsaved.IsWriteDue(Start));

        unsaved.Changed(Start);
        Assert.True(unsaved.IsWriteDue(Start));
    }

    [Fact]
    public void A_write_clears_everything_and_the_next_event_starts_a_new_age()
    {
        var unsaved = new UnsavedChanges(Limits);
        unsaved.EventsApplied(4, Start);
        unsaved.EffectsDecided(1, Start);
        unsaved.Written();

        Assert.False(unsaved.Any);
        Assert.False(unsaved.EffectsWaiting);
        unsaved.EventsApplied(1, Start.AddMinutes(5));
        Assert.Equal(Start.AddMinutes(6), unsaved.WriteDueAt());
    }

    [Fact]
    public void Applying_nothing_changes_nothing()
    {
        var unsaved = new UnsavedChanges(Limits);
        unsaved.EventsApplied(0, Start);
        unsaved.EffectsDecided(0, Start);

        Assert.False(unsaved.Any);
    }
}
