using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Grains.Customers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Grains.Tests;

/// <summary><see cref="WakeUpScheduler"/>: the reminder moves as <see cref="WakeUpSchedule"/> says, and never while the silo stops.</summary>
public sealed class WakeUpSchedulerTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeWakeUpReminder _reminder = new();
    private readonly WakeUpScheduler _scheduler = new(NullLogger.Instance);
    private readonly CustomerState _state = new() { CustomerId = "c-1" };

    [Fact]
    public async Task WorkDueLaterRegistersTheReminderForIt()
    {
        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: null);

        Assert.Equal([$"register in {TimeSpan.FromDays(3)}, every {WakeUpSchedule.IdlePeriod}"], _reminder.Calls);
        Assert.Equal(Now.AddDays(3), _state.WakeUpAt);
    }

    [Fact]
    public async Task AReminderThatFiresInTimeIsKept()
    {
        _state.WakeUpAt = Now.AddDays(1);

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: null);

        Assert.Empty(_reminder.Calls);
        Assert.Equal(Now.AddDays(1), _state.WakeUpAt);
    }

    [Fact]
    public async Task EarlierWorkMovesTheReminderAndOpenMessagesShortenItsPeriod()
    {
        _state.WakeUpAt = Now.AddDays(3);
        SmsPlanning.Queue(_state, "c-1:cart_abandoned:1", "cart_abandoned", Now.AddHours(1), transactional: false);

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: Now.AddHours(1));

        Assert.Equal([$"register in {TimeSpan.FromHours(1)}, every {WakeUpSchedule.OpenWorkPeriod}"], _reminder.Calls);
        Assert.Equal(Now.AddHours(1), _state.WakeUpAt);
    }

    [Fact]
    public async Task AnOpenTierChangeIsTriedAgainAfterTheRetryDelay()
    {
        _state.Outbox.Add(new OutboxMessage { Id = "c-1:tier-change:1", Kind = OutboxKind.TierChange, Status = OutboxStatus.Sending, CreatedAt = Now });

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddDays(3), smsCheck: null);

        Assert.Equal([$"register in {WakeUpScheduler.PublishRetryDelay}, every {WakeUpSchedule.OpenWorkPeriod}"], _reminder.Calls);
    }

    [Fact]
    public async Task AFiredReminderWithNoWorkLeftIsUnregistered()
    {
        _state.WakeUpAt = Now.AddMinutes(-1);

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: null, smsCheck: null);

        Assert.Equal(["unregister"], _reminder.Calls);
        Assert.Null(_state.WakeUpAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NothingIsRegisteredOrRemovedWhileTheSiloStops(bool fired)
    {
        _reminder.SiloTerminating = true;
        _state.WakeUpAt = fired ? Now.AddMinutes(-1) : null;

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: fired ? null : Now.AddDays(3), smsCheck: null);

        Assert.Empty(_reminder.Calls);
        Assert.Equal(fired ? Now.AddMinutes(-1) : null, _state.WakeUpAt);
    }

    [Fact]
    public async Task AFailedRegistrationLeavesWakeUpAtAsRegistered()
    {
        _state.WakeUpAt = Now.AddDays(3);
        _reminder.Failure = new TimeoutException();

        await _scheduler.ScheduleAsync(_reminder, _state, Now, loyaltyDue: Now.AddHours(2), smsCheck: null);

        Assert.Single(_reminder.Calls);
        Assert.Equal(Now.AddDays(3), _state.WakeUpAt);
    }
}
