using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Grains.Customers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Grains.Tests;

/// <summary><see cref="WakeUpScheduler"/>: the reminder moves as <see cref="WakeUpSchedule"/> says, and never while the silo stops.</summary>
[Trait("Category", "Unit")]
public sealed class WakeUpSchedulerTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeWakeUpReminder _reminder = new();
    private readonly WakeUpScheduler _scheduler = new(NullLogger.Instance);
    private readonly CustomerState _state = new() { CustomerId = "c-1" };

    [Fact]
    public async Task Work_due_later_registers_the_reminder_for_it()
    {
        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: null);

        Assert.Equal([$"register in {TimeSpan.FromDays(3)}, every {WakeUpSchedule.IdlePeriod}"], _reminder.Calls);
        Assert.Equal(Now.AddDays(3), _state.WakeUpAt);
    }

    [Fact]
    public async Task A_reminder_that_fires_in_time_is_kept()
    {
        _state.WakeUpAt = Now.AddDays(1);

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: null);

        Assert.Empty(_reminder.Calls);
        Assert.Equal(Now.AddDays(1), _state.WakeUpAt);
    }

    [Fact]
    public async Task Earlier_work_moves_the_reminder_and_open_messages_shorten_its_period()
    {
        _state.WakeUpAt = Now.AddDays(3);
        SmsPlanning.Queue(_state, "c-1:cart_abandoned:1", "cart_abandoned", Now.AddHours(1), transactional: false);

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: Now.AddHours(1));

        Assert.Equal([$"register in {TimeSpan.FromHours(1)}, every {WakeUpSchedule.OpenWorkPeriod}"], _reminder.Calls);
        Assert.Equal(Now.AddHours(1), _state.WakeUpAt);
    }

    [Fact]
    public async Task An_open_tier_change_is_tried_again_after_the_retry_delay()
    {
        _state.Outbox.Add(new OutboxMessage { Id = "c-1:tier-change:1", Kind = OutboxKind.TierChange, Status = OutboxStatus.Sending, CreatedAt = Now });

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: null);

        Assert.Equal([$"register in {WakeUpScheduler.PublishRetryDelay}, every {WakeUpSchedule.OpenWorkPeriod}"], _reminder.Calls);
    }

    [Fact]
    public async Task A_fired_reminder_with_no_work_left_is_unregistered()
    {
        _state.WakeUpAt = Now.AddMinutes(-1);

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: null, smsCheck: null);

        Assert.Equal(["unregister"], _reminder.Calls);
        Assert.Null(_state.WakeUpAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Nothing_is_registered_or_removed_while_the_silo_stops(bool fired)
    {
        _reminder.SiloTerminating = true;
        _state.WakeUpAt = fired ? Now.AddMinutes(-1) : null;

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: fired ? null : Now.AddDays(3), smsCheck: null);

        Assert.Empty(_reminder.Calls);
        Assert.Equal(fired ? Now.AddMinutes(-1) : null, _state.WakeUpAt);
    }

    [Fact]
    public async Task A_failed_registration_leaves_wake_up_at_as_registered()
    {
        _state.WakeUpAt = Now.AddDays(3);
        _reminder.Failure = new TimeoutException();

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddHours(2), smsCheck: null);

        Assert.Single(_reminder.Calls);
        Assert.Equal(Now.AddDays(3), _state.WakeUpAt);
    }
}
