using System.Text;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;
using Engine.Grains;
using Engine.Silo.Sms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Engine.Integration.Tests;

/// <summary>
/// Consent per phone number on the in-process cluster: profiles come in through Kafka, inbound
/// messages through <see cref="InboundSmsReception"/> (what the Kannel route calls), read with
/// France as the default region. Each test has its own customers and number.
/// </summary>
[Collection(EngineClusterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ConsentPerNumberTests(EngineClusterFixture engine)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly NumberKeys Numbers = new(Options.Create(new PhoneNumberOptions { DefaultRegion = "FR" }));

    private InboundSmsReception Reception => new(engine.Client, Numbers, TimeProvider.System, NullLogger<InboundSmsReception>.Instance);

    [Fact]
    public async Task A_STOP_from_a_number_no_profile_holds_yet_makes_the_customer_who_later_claims_it_start_opted_out()
    {
        var (phone, _) = NewNumber();
        var customer = NewCustomerId("late");

        Assert.True(await Reception.ReceiveAsync(phone, "STOP", NewGatewayId()));
        await ProduceProfileAsync(customer, phone);

        var view = await Eventually.Until(() => ViewAsync(customer), v => v.State.ClaimedNumber == phone, Patience, "the customer to claim its number");
        Assert.Equal(ConsentStatus.OptedOut, view.State.Profile.SmsConsent!.Status);
        Assert.Equal(ConsentStatus.OptedOut, view.State.NumberConsent!.Status);
        Assert.Equal(SmsInbound.ConsentSource, view.State.NumberConsent.Source);
    }

    [Fact]
    public async Task One_STOP_opts_out_both_customers_sharing_a_number_with_one_confirmation()
    {
        var (phone, _) = NewNumber();
        var (ana, bob) = (NewCustomerId("ana"), NewCustomerId("bob"));
        await ProduceProfileAsync(ana, phone);
        await ProduceProfileAsync(bob, phone);
        await HoldersAsync(phone, 2);

        Assert.True(await Reception.ReceiveAsync(phone, "Stop", NewGatewayId()));

        var views = await Task.WhenAll(ViewAsync(ana), ViewAsync(bob));
        Assert.All(views, v => Assert.Equal(ConsentStatus.OptedOut, v.State.Profile.SmsConsent!.Status));
        Assert.Equal(1, views.Sum(v => Confirmations(v.State)));
    }

    [Fact]
    public async Task A_sender_in_national_format_reaches_the_customer_whose_profile_holds_the_E164_number()
    {
        var (phone, national) = NewNumber();
        var customer = NewCustomerId("national");
        await ProduceProfileAsync(customer, phone);
        await HoldersAsync(phone, 1);

        Assert.True(await Reception.ReceiveAsync(national, "STOP", NewGatewayId()));

        var view = await ViewAsync(customer);
        Assert.Equal(ConsentStatus.OptedOut, view.State.Profile.SmsConsent!.Status);
        Assert.Equal(1, Confirmations(view.State));
    }

    [Fact]
    public async Task A_STOP_whose_write_conflicts_is_refused_for_a_retry_and_the_retry_loses_nothing()
    {
        var (phone, _) = NewNumber();
        var customer = NewCustomerId("conflict");
        await ProduceProfileAsync(customer, phone);
        await HoldersAsync(phone, 1);

        // Another writer (a second activation after a silo failure) wrote the number's row: this activation's write conflicts.
        var storage = engine.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Customers);
        var grainId = GrainId.Create("phonenumber", Numbers.KeyOf(phone));
        var stored = new GrainState<SuppressionEntry>();
        await storage.ReadStateAsync("number", grainId, stored);
        Assert.Equal([customer], stored.State!.Customers);
        await storage.WriteStateAsync("number", grainId, stored);

        var gatewayId = NewGatewayId();
        Assert.False(await Reception.ReceiveAsync(phone, "STOP", gatewayId));

        // Kannel retries the same message until it is taken.
        await Eventually.Until(() => Reception.ReceiveAsync(phone, "STOP", gatewayId), taken => taken, Patience, "the retried STOP to be stored");
        Assert.True(await Reception.ReceiveAsync(phone, "STOP", gatewayId));
        var view = await ViewAsync(customer);
        Assert.Equal(ConsentStatus.OptedOut, view.State.Profile.SmsConsent!.Status);
        Assert.Equal(1, Confirmations(view.State));
        var entry = await engine.Client.GetGrain<IPhoneNumberGrain>(Numbers.KeyOf(phone)).GetAsync();
        Assert.Equal(ConsentStatus.OptedOut, entry.Latest!.Status);
    }

    [Fact]
    public async Task A_number_change_by_one_customer_of_a_shared_handset_does_not_release_it_for_the_other()
    {
        var (shared, _) = NewNumber();
        var (own, _) = NewNumber();
        var (ana, bob) = (NewCustomerId("ana"), NewCustomerId("bob"));
        await ProduceProfileAsync(ana, shared);
        await ProduceProfileAsync(bob, shared);
        await HoldersAsync(shared, 2);
        Assert.True(await Reception.ReceiveAsync(shared, "STOP", NewGatewayId()));

        // Later, both opt in again on the web; Ana with a number of her own.
        var later = DateTimeOffset.UtcNow.AddMinutes(1);
        await ProduceProfileAsync(ana, own, later);
        await ProduceProfileAsync(bob, shared, later);

        var anaView = await Eventually.Until(() => ViewAsync(ana), v => v.State.ClaimedNumber == own, Patience, "Ana to claim her own number");
        var bobView = await Eventually.Until(() => ViewAsync(bob), v => v.State.Profile.SmsConsent?.Status == ConsentStatus.OptedIn, Patience, "Bob's profile to opt in again");
        Assert.False(SmsPlanning.IsNumberSuppressed(anaView.State));
        Assert.True(SmsPlanning.IsNumberSuppressed(bobView.State));
        var entry = await HoldersAsync(shared, 1);
        Assert.Equal([bob], entry.Customers);
        Assert.Equal(ConsentStatus.OptedOut, entry.Latest!.Status);
    }

    private static (string E164, string National) NewNumber()
    {
        var digits = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ($"+336{digits}", $"06 {digits[..2]} {digits[2..4]} {digits[4..6]} {digits[6..]}");
    }

    private static string NewCustomerId(string name) => $"consent-{name}-{Guid.NewGuid():N}"[..32];

    private static string NewGatewayId() => Guid.NewGuid().ToString();

    private static int Confirmations(CustomerState state) =>
        state.Outbox.Messages.Count(m => m.Kind == OutboxKind.Sms && m.Sms!.Trigger == SmsTriggers.Key(SmsTrigger.OptOutConfirmation));

    private Task<CustomerView> ViewAsync(string customerId) => engine.Client.GetGrain<ICustomerGrain>(customerId).GetViewAsync();

    private Task<NumberDelivery> HoldersAsync(string phone, int count) => Eventually.Until(
        () => engine.Client.GetGrain<IPhoneNumberGrain>(Numbers.KeyOf(phone)).GetAsync(), e => e.Customers.Count == count, Patience, $"{count} customers to claim the number");

    private async Task ProduceProfileAsync(string customerId, string phone, DateTimeOffset? at = null)
    {
        using var producer = engine.CreateProducer();
        var when = (at ?? new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var json = $$"""
            {"type":"customer","eventId":"{{customerId}}-profile-{{when}}","customerId":"{{customerId}}","occurredAt":"{{when}}",
             "firstName":"Camille","phone":"{{phone}}","timeZone":"Europe/Paris","locale":"fr-FR",
             "smsConsent":{"status":"opted_in","source":"web-form","at":"{{when}}"} }
            """;
        await producer.ProduceAsync(engine.Topics.Customers, new Message<string?, byte[]> { Key = customerId, Value = Encoding.UTF8.GetBytes(json) });
    }
}
