using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Sms;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Engine.Domain.Tests;

/// <summary>
/// The outbox as stored: rows written before the delivery state became an enum (Id 15) hold
/// it as text in Id 11, and must read with the same state.
/// </summary>
[Trait("Category", "Unit")]
public sealed class OutboxSerializationTests : IDisposable
{
    /// <summary>
    /// A CustomerState serialized by commit 08c85a0 (the last with the text field), the way the
    /// grain storage writes it: five SMS, delivery "queued", "sent", "delivered", "failed", none.
    /// </summary>
    private const string StateWithTextDelivery =
        "IEARYy1sZWdhY3khwAHBAcEBwQHBAcEBwQHgIUAhAAAAAAAAAAAAAAAAAAAAAAEBwQHBASHgIeAh4CHg4CEAAQEBAQEBAQEBAQEh" +
        "4MEBgQAAAAAAAAAAwQHgISDgwQHBASHgwQHgISAwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4OAh4OABASEg4MEBwQHBAcEBAQEB" +
        "AQEBAQEBAQEBAQHBASHg4CEgAAshQDljLWxlZ2FjeTp0aWVyX3VwZ3JhZGU6cXVldWVkCQMFCQMJIYCAALeWq0neCIEAAAAAAAAA" +
        "AODBAcEBwQEh6EAZdGllcl91cGdyYWRlAQMxAds2rXN1U3lzdGVtLkNvbGxlY3Rpb25zLkdlbmVyaWMuRGljdGlvbmFyeWAyW1tz" +
        "dHJpbmddLFtzdHJpbmddXeDgwQHBAQEBQQ1xdWV1ZWQhgIBGerqrSd4IgQAAAAAAAAAA4CGAgAC3lqtJ3giBAAAAAAAAAADgAQXg" +
        "IEA1Yy1sZWdhY3k6dGllcl91cGdyYWRlOnNlbnQJAwUJAwkhgIAAt5arSd4IgQAAAAAAAAAA4MEBwQHBASHowJMBAzkF4ODBAcEB" +
        "AQFBCXNlbnQhgIBGerqrSd4IgQAAAAAAAAAA4CGAgAC3lqtJ3giBAAAAAAAAAADgAQXgIEA/Yy1sZWdhY3k6dGllcl91cGdyYWRl" +
        "OmRlbGl2ZXJlZAkDBQkDCSGAgAC3lqtJ3giBAAAAAAAAAADgwQHBAcEBIejAkwEDOQXg4MEBwQEBAUETZGVsaXZlcmVkIYCARnq6" +
        "q0neCIEAAAAAAAAAAOAhgIAAt5arSd4IgQAAAAAAAAAA4AEF4CBAOWMtbGVnYWN5OnRpZXJfdXBncmFkZTpmYWlsZWQJAwUJAwkh" +
        "gIAAt5arSd4IgQAAAAAAAAAA4MEBwQHBASHowJMBAzkF4ODBAcEBAQFBDWZhaWxlZCGAgEZ6uqtJ3giBAAAAAAAAAADgIYCAALeW" +
        "q0neCIEAAAAAAAAAAOABBeAgQDVjLWxlZ2FjeTp0aWVyX3VwZ3JhZGU6bm9uZQkDBQkDCSGAgAC3lqtJ3giBAAAAAAAAAADgwQHB" +
        "AcEBIejAkwEDOQXg4MEBwQEBAcEBwQEhgIAAt5arSd4IgQAAAAAAAAAA4AEF4ODgAQHBAcEBIeDg";

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CustomerState).Assembly)).BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void State_stored_with_the_text_delivery_reads_the_same_enum_state()
    {
        var state = Serializer.Deserialize<CustomerState>(Convert.FromBase64String(StateWithTextDelivery))!;

        Assert.Equal(
            [
                ("c-legacy:tier_upgrade:queued", (SmsDeliveryState?)SmsDeliveryState.Queued),
                ("c-legacy:tier_upgrade:sent", SmsDeliveryState.Sent),
                ("c-legacy:tier_upgrade:delivered", SmsDeliveryState.Delivered),
                ("c-legacy:tier_upgrade:failed", SmsDeliveryState.Failed),
                ("c-legacy:tier_upgrade:none", null),
            ],
            state.Outbox.Messages.Select(m => (m.Id, m.Delivery)));
        Assert.All(state.Outbox.Messages.Where(m => m.Delivery is not null), m => Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 5, 5, TimeSpan.Zero), m.DeliveryAt));
    }

    [Fact]
    public void A_read_old_message_keeps_its_state_through_the_next_write_and_a_later_report_replaces_it()
    {
        var state = Serializer.Deserialize<CustomerState>(Convert.FromBase64String(StateWithTextDelivery))!;
        var sent = state.Outbox.Find("c-legacy:tier_upgrade:sent")!;

        var rewritten = Serializer.Deserialize<CustomerState>(Serializer.SerializeToArray(state))!;
        Assert.Equal(SmsDeliveryState.Sent, rewritten.Outbox.Find(sent.Id)!.Delivery);

        sent.Delivery = SmsDeliveryState.Delivered;
        var reported = Serializer.Deserialize<CustomerState>(Serializer.SerializeToArray(state))!;
        Assert.Equal(SmsDeliveryState.Delivered, reported.Outbox.Find(sent.Id)!.Delivery);
    }

    [Fact]
    public void Delivery_states_never_go_backwards()
    {
        Assert.True(SmsDeliveryStates.Advances(null, SmsDeliveryState.Queued));
        Assert.True(SmsDeliveryStates.Advances(SmsDeliveryState.Queued, SmsDeliveryState.Sent));
        Assert.True(SmsDeliveryStates.Advances(SmsDeliveryState.Sent, SmsDeliveryState.Delivered));
        Assert.True(SmsDeliveryStates.Advances(SmsDeliveryState.Sent, SmsDeliveryState.Failed));
        Assert.False(SmsDeliveryStates.Advances(SmsDeliveryState.Delivered, SmsDeliveryState.Sent));
        Assert.False(SmsDeliveryStates.Advances(SmsDeliveryState.Delivered, SmsDeliveryState.Failed));
        Assert.False(SmsDeliveryStates.Advances(SmsDeliveryState.Failed, SmsDeliveryState.Delivered));
        Assert.False(SmsDeliveryStates.Advances(SmsDeliveryState.Sent, SmsDeliveryState.Sent));
    }
}
