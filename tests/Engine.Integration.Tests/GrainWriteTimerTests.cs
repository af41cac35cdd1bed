using Engine.Contracts;
using Engine.Domain.Events;

namespace Engine.Integration.Tests;

/// <summary>A customer owns its write-behind: it writes on its own timer, with no checkpoint asking.</summary>
[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class GrainWriteTimerTests(EngineClusterFixture engine)
{
    [Fact]
    public async Task A_customer_writes_its_unsaved_events_on_its_own_timer_once_they_are_MaxUnsavedAge_old()
    {
        // Called directly, not through Kafka: no ingestion checkpoint knows this customer.
        var customer = engine.Client.GetGrain<ICustomerGrain>("timer-" + Guid.NewGuid().ToString("N")[..10]);
        var click = new ClickEvent
        {
            EventId = Guid.NewGuid().ToString(),
            CustomerId = customer.GetPrimaryKeyString(),
            OccurredAt = DateTimeOffset.UtcNow,
            Action = ClickAction.PageView,
            SessionId = "s-1",
        };
        var report = await customer.ApplyAsync(new EventBatch([new SequencedEvent(click, new EventPosition("engagement.clicks/0", 0))]));
        Assert.Equal(1, report.Applied);
        Assert.True((await customer.GetViewAsync()).HasUnsavedChanges, "a click decides no effect: it waits for its age (1 s in this fixture)");

        // GetView never writes, so only the grain's own timer can make this true.
        await Eventually.Until(customer.GetViewAsync, view => !view.HasUnsavedChanges, TimeSpan.FromSeconds(30), "the grain's write-behind timer to write the click");
    }
}
