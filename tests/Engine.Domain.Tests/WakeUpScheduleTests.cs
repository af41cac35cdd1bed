using Engine.Domain.Customers;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class WakeUpScheduleTests
{
    private static readonly DateTimeOffset Now = Make.T0;

    [Fact]
    public void First_work_registers_at_its_due_time_with_the_idle_period()
    {
        var change = WakeUpSchedule.Decide(registered: null, due: Now.AddDays(300), openWork: false, Now);

        Assert.Equal(new WakeUpChange(WakeUpAction.Register, Now.AddDays(300), WakeUpSchedule.IdlePeriod), change);
    }

    [Fact]
    public void Open_work_registers_with_the_short_period()
    {
        var change = WakeUpSchedule.Decide(null, Now.AddMinutes(1), openWork: true, Now);

        Assert.Equal(WakeUpSchedule.OpenWorkPeriod, change.Period);
    }

    [Theory]
    [InlineData(300, 300)] // unchanged
    [InlineData(300, 400)] // work moved later: the reminder fires early, looks, and moves then
    [InlineData(300, 300.00001)] // within the tolerance
    public void A_reminder_that_fires_no_later_than_the_work_is_kept(double registeredDays, double dueDays)
    {
        var change = WakeUpSchedule.Decide(Now.AddDays(registeredDays), Now.AddDays(dueDays), openWork: false, Now);

        Assert.Equal(WakeUpAction.Keep, change.Action);
    }

    [Fact]
    public void Work_due_earlier_moves_the_reminder()
    {
        var change = WakeUpSchedule.Decide(Now.AddDays(300), Now.AddDays(10), openWork: false, Now);

        Assert.Equal(new WakeUpChange(WakeUpAction.Register, Now.AddDays(10), WakeUpSchedule.IdlePeriod), change);
    }

    [Fact]
    public void A_reminder_that_has_fired_is_replaced_by_the_next_due_time()
    {
        // Its next tick depends on its period, so the next due time is registered exactly.
        var change = WakeUpSchedule.Decide(Now.AddSeconds(-5), Now.AddDays(11), openWork: false, Now);

        Assert.Equal(new WakeUpChange(WakeUpAction.Register, Now.AddDays(11), WakeUpSchedule.IdlePeriod), change);
    }

    [Fact]
    public void A_reminder_that_has_fired_with_nothing_left_is_removed()
    {
        Assert.Equal(WakeUpAction.Unregister, WakeUpSchedule.Decide(Now, due: null, openWork: false, Now).Action);
    }

    [Fact]
    public void Work_that_disappears_leaves_a_future_reminder_to_fire_once()
    {
        Assert.Equal(WakeUpAction.Keep, WakeUpSchedule.Decide(Now.AddDays(3), due: null, openWork: false, Now).Action);
        Assert.Equal(WakeUpAction.Keep, WakeUpSchedule.Decide(registered: null, due: null, openWork: false, Now).Action);
    }

    [Fact]
    public void Work_due_now_is_registered_a_second_ahead()
    {
        var change = WakeUpSchedule.Decide(null, Now.AddMilliseconds(-20), openWork: true, Now);

        Assert.Equal(Now + WakeUpSchedule.Tolerance, change.At);
    }

    [Fact]
    public void Repeated_checks_of_open_work_do_not_move_the_reminder()
    {
        // An SMS waiting to go asks for a look a minute from every call; one registration serves them all.
        var registered = WakeUpSchedule.Decide(null, Now.AddMinutes(1), openWork: true, Now).At;
        for (var seconds = 1; seconds < 60; seconds += 7)
        {
            var at = Now.AddSeconds(seconds);
            Assert.Equal(WakeUpAction.Keep, WakeUpSchedule.Decide(registered, at.AddMinutes(1), openWork: true, at).Action);
        }
    }
}
