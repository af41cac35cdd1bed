using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Sms;
using Engine.Integration.Tests.Kannel;
using Engine.Integration.Tests.Processes;
using Engine.Silo.Kafka;
using Engine.Silo.Sms;
using Engine.Sms;
using Engine.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Engine.Integration.Tests;

/// <summary>
/// The SMS pipeline end to end, as an operator runs it: events into the silo process, the
/// policy and templates in the customer grain, Debian's Kannel (bearerbox, smsbox, fakesmsc)
/// as the gateway, and Kannel's delivery reports and inbound messages back through the
/// silo's callback endpoints. Each test has its own customers, its own Kannel and its own silo.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class SmsEndToEndTests(ITestOutputHelper output)
{
    private const string TierUpgrade = "tier_upgrade";
    private const string Link = "https://shop.example/loyalty";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly SmsTemplates Templates = new();
    private static readonly SmsPolicyOptions DefaultPolicy = new();

    [Fact]
    public async Task A_tier_upgrade_sends_one_text_to_the_customer_and_records_its_delivery()
    {
        await using var setting = await Setting.StartAsync();
        var ana = Shopper.New("upgrade");
        await setting.ProduceProfilesAsync([ana]);

        // 300 keeps Bronze, the next 300 crosses Silver's 500: one upgrade.
        await setting.ProducePurchasesAsync([ana], 300m, 300m);

        var delivered = await setting.WaitForSmsAsync(ana, m => m.Sms!.Trigger == TierUpgrade && m.Delivery == SmsDeliveryState.Delivered, "the upgrade SMS to be reported delivered");
        Assert.Equal(OutboxStatus.Done, delivered.Status);
        Assert.Equal("Silver", delivered.Sms!.Data["tier"]);
        Assert.NotNull(delivered.DeliveryAt);

        // Exactly one text reached the operator, and nothing else was sent.
        await setting.WaitForArrivalsAsync(ana, 1, "the upgrade SMS at the fake SMSC");
        var message = Assert.Single(setting.Kannel.ReceivedMessages);
        Assert.Equal((KannelSiloSettings.ShortCode, ana.Phone), (message.From, message.To));
        Assert.Equal(UpgradeText(ana, "Silver"), message.Text);
        Assert.Contains(ana.FirstName, message.Text, StringComparison.Ordinal);
        Assert.Single(await setting.SmsAsync(ana));
    }

    [Fact]
    public async Task A_forged_START_without_the_callback_token_gets_403_and_the_customer_stays_opted_out()
    {
        await using var setting = await Setting.StartAsync();
        var cid = Shopper.New("forged");
        await setting.ProduceProfilesAsync([cid]);
        await setting.Kannel.InjectInboundAsync(cid.Phone, KannelSiloSettings.ShortCode, "STOP");
        await setting.Until(
            () => setting.ViewAsync(cid), v => v.State.Profile.SmsConsent?.Status == ConsentStatus.OptedOut, Patience, "the real STOP to opt the customer out");

        // What anyone who reaches the silo's HTTP port could send: Kannel's query, without or with a guessed token.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{setting.HttpPort}") };
        var forged = $"/sms/kannel/inbound?from={Uri.EscapeDataString(cid.Phone)}&to={KannelSiloSettings.ShortCode}&text=START&ts=4102444800&charset=UTF-8";
        using var withoutToken = await http.GetAsync($"{forged}&id={Guid.NewGuid()}");
        using var wrongToken = await http.GetAsync($"{forged}&id={Guid.NewGuid()}&token=rig-guessed-0123456789abcdef");

        Assert.Equal((System.Net.HttpStatusCode.Forbidden, System.Net.HttpStatusCode.Forbidden), (withoutToken.StatusCode, wrongToken.StatusCode));
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("engine_sms_callbacks_refused_total{route=\"kannel-inbound\",reason=\"no-token\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("engine_sms_callbacks_refused_total{route=\"kannel-inbound\",reason=\"wrong-token\"} 1", metrics, StringComparison.Ordinal);
        var view = await setting.ViewAsync(cid);
        Assert.Equal(ConsentStatus.OptedOut, view.State.Profile.SmsConsent!.Status);
        Assert.Equal(SmsInbound.ConsentSource, view.State.Profile.SmsConsent.Source);
    }

    [Fact]
    public async Task An_inbound_STOP_opts_the_customer_out_and_the_next_upgrade_sends_nothing()
    {
        // Caps raised so the Gold upgrade could go out the same day, but for the opt-out.
        await using var setting = await Setting.StartAsync(RaisedCaps);
        var bea = Shopper.New("stop");
        await setting.ProduceProfilesAsync([bea]);
        await setting.ProducePurchasesAsync([bea], 300m, 300m);
        await setting.WaitForSmsAsync(bea, m => m.Sms!.Trigger == TierUpgrade && m.Status == OutboxStatus.Done, "the Silver SMS to be sent");
        await setting.WaitForArrivalsAsync(bea, 1, "the Silver SMS at the fake SMSC");

        await setting.Kannel.InjectInboundAsync(bea.Phone, KannelSiloSettings.ShortCode, "STOP");

        var view = await setting.Until(
            () => setting.ViewAsync(bea), v => v.State.Profile.SmsConsent?.Status == ConsentStatus.OptedOut, Patience, "the STOP to opt the customer out");
        Assert.Equal(SmsInbound.ConsentSource, view.State.Profile.SmsConsent!.Source);
        var arrived = await setting.WaitForArrivalsAsync(bea, 2, "the opt-out confirmation at the fake SMSC");
        Assert.Equal(
            [UpgradeText(bea, "Silver"), Templates.Render(SmsTrigger.OptOutConfirmation, null, SmsTemplateModel.ForReply(SmsTrigger.OptOutConfirmation, DefaultPolicy)).Text],
            arrived.Select(m => m.Text));

        // Crossing Gold's 1000: the upgrade is decided, and suppressed.
        await setting.ProducePurchasesAsync([bea], 600m);
        var gold = await setting.WaitForSmsAsync(
            bea, m => m.Sms!.Trigger == TierUpgrade && m.Sms.Data["tier"] == "Gold" && !m.IsOpen, "the Gold upgrade SMS to be decided");
        Assert.Equal((OutboxStatus.Suppressed, SmsSuppressionReasons.OptedOut), (gold.Status, gold.Detail));
        Assert.Null(gold.SentAt);
        Assert.Equal("Gold", (await setting.ViewAsync(bea)).State.Loyalty.Tier);

        // A barrier: HELP is answered even when opted out, and it is the next text to arrive.
        await setting.Kannel.InjectInboundAsync(bea.Phone, KannelSiloSettings.ShortCode, "HELP");
        arrived = await setting.WaitForArrivalsAsync(bea, 3, "the HELP answer at the fake SMSC");
        Assert.Equal(Templates.Render(SmsTrigger.Help, null, SmsTemplateModel.ForReply(SmsTrigger.Help, DefaultPolicy)).Text, arrived[2].Text);
        Assert.Equal(3, setting.Kannel.ReceivedMessages.Count);
        Assert.DoesNotContain(setting.Kannel.ReceivedMessages, m => m.Text.Contains("Gold", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_STOP_right_after_the_profile_opts_the_customer_out_long_before_the_write_behind_and_the_next_upgrade_sends_nothing()
    {
        // The silo's own write-behind (a minute) on PostgreSQL: the profile is in the grain, not yet written.
        await using var setting = await Setting.StartDurableAsync(writeBehindDefaults: true);
        var maxUnsavedAge = new Engine.Grains.WriteBehindOptions().MaxUnsavedAge;
        var dee = Shopper.New("early");
        await setting.ProduceProfilesAsync([dee], untilApplied: true);
        var sent = Stopwatch.StartNew();

        await setting.Kannel.InjectInboundAsync(dee.Phone, KannelSiloSettings.ShortCode, "STOP");

        // The customer claimed its number as the profile was applied, so the STOP finds it and is confirmed.
        var arrived = await setting.WaitForArrivalsAsync(dee, 1, "the opt-out confirmation at the fake SMSC");
        Assert.True(sent.Elapsed < maxUnsavedAge / 2, $"the confirmation took {sent.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Templates.Render(SmsTrigger.OptOutConfirmation, null, SmsTemplateModel.ForReply(SmsTrigger.OptOutConfirmation, DefaultPolicy)).Text, arrived[0].Text);
        var view = await setting.ViewAsync(dee);
        Assert.Equal((ConsentStatus.OptedOut, SmsInbound.ConsentSource), (view.State.Profile.SmsConsent!.Status, view.State.Profile.SmsConsent.Source));

        // Crossing Silver's 500: the upgrade is decided, and suppressed.
        await setting.ProducePurchasesAsync([dee], 300m, 300m);
        var silver = await setting.WaitForSmsAsync(dee, m => m.Sms!.Trigger == TierUpgrade && !m.IsOpen, "the Silver upgrade SMS to be decided");
        Assert.Equal((OutboxStatus.Suppressed, SmsSuppressionReasons.OptedOut), (silver.Status, silver.Detail));
        Assert.Single(setting.Kannel.ReceivedMessages);
    }

    [Fact]
    public async Task A_kannel_outage_builds_a_backlog_that_drains_once_it_is_back_without_duplicates()
    {
        await using var setting = await Setting.StartAsync(new Dictionary<string, string>
        {
            ["Sms__FirstRetryDelay"] = "00:00:02",
            ["Sms__MaxRetryDelay"] = "00:00:05",
            // A 30 s outage at up to 5 s apart takes about ten attempts: more than the default allows.
            ["Sms__MaxAttempts"] = "100",
        });
        var shoppers = Enumerable.Range(0, 20).Select(i => Shopper.New($"outage{i:D2}")).ToList();
        await setting.ProduceProfilesAsync(shoppers);

        await setting.Kannel.StopAsync();
        var outage = Stopwatch.StartNew();
        await setting.ProducePurchasesAsync(shoppers, 300m, 300m);

        // Every upgrade is decided and tried, and goes back to wait with backoff.
        await setting.Until(
            () => setting.UpgradeSmsAsync(shoppers),
            all => all.Count == shoppers.Count && all.All(m => m.Status == OutboxStatus.Pending && m.Attempts >= 2),
            Patience, "every upgrade SMS to be retried while Kannel is down");
        await setting.Until(() => outage.Elapsed >= TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), "a 30 s outage");
        var backlog = await setting.UpgradeSmsAsync(shoppers);
        // Still waiting to go (one may be mid-attempt, Sending, at the instant it is read).
        Assert.All(backlog, m => Assert.Contains(m.Status, new[] { OutboxStatus.Pending, OutboxStatus.Sending }));
        Assert.Empty(setting.Kannel.ReceivedMessages);

        var outageLasted = outage.Elapsed;
        await setting.Kannel.StartAsync();
        var drained = await setting.Until(
            () => setting.UpgradeSmsAsync(shoppers),
            all => all.All(m => m.Status == OutboxStatus.Done && m.Delivery == SmsDeliveryState.Delivered),
            TimeSpan.FromMinutes(1), "the backlog to drain and be reported delivered");
        await setting.WaitUntilKannelIdleAsync();

        var received = setting.Kannel.ReceivedMessages;
        Assert.Equal(shoppers.Count, received.Count);
        foreach (var shopper in shoppers)
        {
            var message = Assert.Single(received, m => m.To == shopper.Phone);
            Assert.Equal(UpgradeText(shopper, "Silver"), message.Text);
        }

        Assert.All(drained, m => Assert.InRange(m.Attempts, 2, 99));
        output.WriteLine($"outage {outageLasted.TotalSeconds:F0} s; {drained.Min(m => m.Attempts)}-{drained.Max(m => m.Attempts)} failed attempts per message; drained {(outage.Elapsed - outageLasted).TotalSeconds:F0} s after Kannel was back");
    }

    [Fact]
    public async Task A_text_waiting_for_its_retry_leaves_when_the_retry_falls_due_not_at_the_next_reminder_tick()
    {
        // The retry delay is far below the reminders' one-minute safety period: a text that
        // waited for the period would show it.
        var retryDelay = TimeSpan.FromSeconds(6);
        await using var setting = await Setting.StartAsync(new Dictionary<string, string>
        {
            ["Sms__FirstRetryDelay"] = retryDelay.ToString(),
            ["Sms__MaxRetryDelay"] = retryDelay.ToString(),
            ["Sms__MaxAttempts"] = "20",
        });
        var cy = Shopper.New("retry");
        await setting.ProduceProfilesAsync([cy]);
        await setting.Kannel.StopAsync();
        await setting.ProducePurchasesAsync([cy], 300m, 300m);
        await setting.WaitForSmsAsync(cy, m => m.Status == OutboxStatus.Pending && m.Attempts >= 1, "the upgrade SMS to fail once and wait for its retry");

        await setting.Kannel.StartAsync();
        var sent = await setting.WaitForSmsAsync(cy, m => m.Status == OutboxStatus.Done, "the retried upgrade SMS to be accepted");

        // DueAt is when its last retry fell due (the delay halved at most by jitter); the
        // gateway's acceptance completed it. A second apart is the issue's bound for a quiet
        // machine; five keeps a busy one stable and is still far from the minute's tick.
        var late = sent.CompletedAt!.Value - sent.DueAt!.Value;
        output.WriteLine($"accepted {late.TotalSeconds:F2} s after its retry fell due ({sent.Attempts} failed attempts before)");
        Assert.InRange(late, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        await setting.WaitForArrivalsAsync(cy, 1, "the retried text at the fake SMSC");
    }

    [Fact]
    public async Task On_the_defaults_with_PostgreSQL_an_upgrade_text_reaches_the_gateway_long_before_the_events_are_written()
    {
        // The silo's own write-behind: events wait a minute to be written, checkpoints every 10 s.
        await using var setting = await Setting.StartDurableAsync(writeBehindDefaults: true);
        var maxUnsavedAge = new Engine.Grains.WriteBehindOptions().MaxUnsavedAge;
        var ana = Shopper.New("prompt");
        await setting.ProduceProfilesAsync([ana], untilApplied: true);
        var produced = Stopwatch.StartNew();
        await setting.ProducePurchasesAsync([ana], 300m, 300m);

        await setting.WaitForArrivalsAsync(ana, 1, "the upgrade SMS at the fake SMSC");
        var reached = produced.Elapsed;
        output.WriteLine($"upgrade text at the fake SMSC {reached.TotalSeconds:F1} s after the purchases were produced (WriteBehind:MaxUnsavedAge {maxUnsavedAge.TotalSeconds:F0} s)");

        // Generous for a busy machine, yet far below the events' own write: the effect was
        // written as it was decided, not when the write-behind came round.
        Assert.True(reached < maxUnsavedAge / 2, $"the text took {reached.TotalSeconds:F1} s");
        var message = Assert.Single(setting.Kannel.ReceivedMessages);
        Assert.Equal(UpgradeText(ana, "Silver"), message.Text);
    }

    [Fact]
    public async Task Killing_the_silo_while_it_sends_sends_no_message_twice_and_leaves_none_open()
    {
        await using var setting = await Setting.StartDurableAsync();
        var shoppers = Enumerable.Range(0, 300).Select(i => Shopper.New($"crash{i:D3}")).ToList();
        await setting.ProduceProfilesAsync(shoppers);

        await setting.ProducePurchasesAsync(shoppers, 300m, 300m);
        // A third through: the dispatcher's workers are busy with the rest, some mid-send.
        await setting.Until(() => setting.Kannel.ReceivedMessages.Count >= shoppers.Count / 3, TimeSpan.FromMinutes(1), "a third of the upgrade texts at the fake SMSC");
        await setting.Silo.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var arrivedBeforeRestart = setting.Kannel.ReceivedMessages.Count;
        await setting.RestartSiloAsync();
        var sinceRestart = Stopwatch.StartNew();

        // Reading a customer activates it, which settles an interrupted send as Unknown; what
        // was still pending is handed out again by the customer's wake-up reminder.
        var settled = await setting.Until(
            async () =>
            {
                // The kill may take smsbox down with it (a Kannel bug); in production its supervisor restarts it.
                await setting.Kannel.RestartSmsboxIfExitedAsync();
                return await setting.UpgradeSmsAsync(shoppers);
            },
            all => all.Count == shoppers.Count && all.All(m => !m.IsOpen),
            TimeSpan.FromMinutes(2), "every upgrade SMS to leave Pending and Sending");
        var settledAfter = sinceRestart.Elapsed;
        await setting.Until(
            () => Task.FromResult(setting.Kannel.ReceivedMessages.Select(m => m.To).ToHashSet()),
            arrived => settled.Where(m => m.Status == OutboxStatus.Done).All(m => arrived.Contains(PhoneOf(m))),
            Patience, "every message Kannel took to reach the fake SMSC");
        await setting.WaitUntilKannelIdleAsync();

        var received = setting.Kannel.ReceivedMessages;
        var duplicates = received.GroupBy(m => m.To).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, "sent twice: " + string.Join(", ", duplicates));
        var byPhone = shoppers.ToDictionary(s => s.Phone);
        Assert.All(received, m => Assert.Equal(UpgradeText(byPhone[m.To], "Silver"), m.Text));

        // One upgrade SMS per customer, each sent (Done) or settled as Unknown; every Done one arrived.
        Assert.Equal(shoppers.Count, settled.Select(m => m.Id).Distinct().Count());
        Assert.All(settled, m => Assert.Contains(m.Status, new[] { OutboxStatus.Done, OutboxStatus.Unknown }));
        var done = settled.Where(m => m.Status == OutboxStatus.Done).ToList();
        var unknown = settled.Where(m => m.Status == OutboxStatus.Unknown).ToList();
        Assert.All(done, m => Assert.Single(received, r => r.To == PhoneOf(m)));
        // Only a send in a worker's hands when the silo died can be unknown.
        Assert.InRange(unknown.Count, 0, new SmsDispatchOptions().Workers);

        // The kill came in the middle: texts were handed to Kannel before it, and after the restart.
        Assert.Contains(settled, m => m.SentAt < killedAt);
        Assert.Contains(settled, m => m.SentAt > killedAt);
        output.WriteLine(
            $"{arrivedBeforeRestart} texts at the fake SMSC when the silo was killed; {settled.Count(m => m.SentAt > killedAt)} handed to Kannel after the restart; " +
            $"{done.Count} done ({done.Count(m => m.Delivery == SmsDeliveryState.Delivered)} reported delivered), {unknown.Count} unknown " +
            $"({unknown.Count(m => received.Any(r => r.To == PhoneOf(m)))} of them reached the fake SMSC); {received.Count} texts in all; all settled {settledAfter.TotalSeconds:F0} s after the restart; "
            + $"smsbox restarted {setting.Kannel.SmsboxRestarts} times after it panicked");

        string PhoneOf(OutboxMessage message) => shoppers.Single(s => message.Id.StartsWith(s.Id + ":", StringComparison.Ordinal)).Phone;
    }

    private static Dictionary<string, string> RaisedCaps => new()
    {
        ["Sms__Policy__Caps__MaxPerDay"] = "10",
        ["Sms__Policy__Caps__MaxPerWeek"] = "20",
    };

    private static string UpgradeText(Shopper shopper, string tier) =>
        Templates.Render(SmsTrigger.TierUpgrade, null, new SmsTemplateModel { FirstName = shopper.FirstName, Tier = tier, Link = Link }).Text;

    /// <summary>
    /// A zone where it is early afternoon now, so the default quiet hours (08:00–21:00) let a
    /// marketing text go at once, whenever the test runs.
    /// </summary>
    private static string DaytimeZone()
    {
        var now = DateTimeOffset.UtcNow;
        var zone = TimeZoneInfo.GetSystemTimeZones()
            .Where(z => z.HasIanaId && z.Id.Contains('/', StringComparison.Ordinal) && !z.Id.StartsWith("Etc/", StringComparison.Ordinal))
            .OrderBy(z => Math.Abs((TimeZoneInfo.ConvertTime(now, z).TimeOfDay - TimeSpan.FromHours(14)).TotalMinutes))
            .ThenBy(z => z.Id, StringComparer.Ordinal)
            .First().Id;
        Assert.True(ContactRules.IsKnownTimeZone(zone) && QuietHours.NextAllowed(now.AddMinutes(10), zone, DefaultPolicy) == now.AddMinutes(10), zone);
        return zone;
    }

    /// <summary>A customer with a unique first name and number, so texts can be told apart.</summary>
    private sealed record Shopper(string Id, string FirstName, string Phone)
    {
        private static int _next = Random.Shared.Next(1_000_000);

        public static Shopper New(string label)
        {
            var n = Interlocked.Increment(ref _next) % 10_000_000;
            var token = Guid.NewGuid().ToString("N")[..6];
            return new Shopper($"sms-{label}-{token}", $"{char.ToUpperInvariant(label[0])}{label[1..]}{token}", $"+1555{n:D7}");
        }
    }

    /// <summary>
    /// A Kannel rig and a silo process sending through it, a producer for the silo's topics and
    /// an Orleans client to read customers. The silo's HTTP port is chosen first: Kannel must
    /// know the inbound URL, and the silo hands out its delivery-report URL.
    /// </summary>
    private sealed partial class Setting : IAsyncDisposable
    {
        private const int DurablePartitions = 16;
        private readonly Dictionary<string, string> _siloSettings;
        private readonly List<IAsyncDisposable> _owned = [];
        private readonly Action? _disposeBroker;
        private IHost? _client;
        private IProducer<string, byte[]>? _producer;

        private Setting(KannelRig kannel, int httpPort, Dictionary<string, string> siloSettings, Action? disposeBroker)
        {
            Kannel = kannel;
            HttpPort = httpPort;
            _siloSettings = siloSettings;
            _disposeBroker = disposeBroker;
        }

        public KannelRig Kannel { get; }

        public int HttpPort { get; }

        public SiloProcess Silo { get; private set; } = null!;

        public IClusterClient Grains => _client!.Services.GetRequiredService<IClusterClient>();

        public KafkaTopics Topics { get; private set; } = new();

        public string GroupId { get; private set; } = new KafkaOptions().GroupId;

        public int Partitions { get; private set; } = new EmbeddedKafkaOptions().Partitions;

        public string BootstrapServers { get; private set; } = "";

        private string Zone { get; } = DaytimeZone();

        /// <summary>A silo on its defaults: memory storage and its embedded broker.</summary>
        public static async Task<Setting> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
        {
            var httpPort = FreePorts.Next();
            var kannel = await KannelRig.StartAsync(KannelSiloSettings.InboundUrl(httpPort));
            var all = KannelSiloSettings.For(kannel, httpPort);
            all["Sms__Link"] = Link;
            all["Ingestion__CheckpointInterval"] = "00:00:01";
            all["WriteBehind__MaxUnsavedAge"] = "00:00:02";
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                all[key] = value;
            }

            var setting = new Setting(kannel, httpPort, all, disposeBroker: null);
            try
            {
                await setting.StartSiloAsync();
                setting.BootstrapServers = await setting.Silo.BootstrapServersAsync();
                setting.ConnectProducer();
                return setting;
            }
            catch
            {
                await setting.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// As in the crash tests: PostgreSQL and a broker in the test process, so both outlive the
        /// silo. <paramref name="writeBehindDefaults"/>: the silo's own checkpoint interval and
        /// write-behind ages instead of the crash tests' short ones.
        /// </summary>
        public static async Task<Setting> StartDurableAsync(bool writeBehindDefaults = false)
        {
            var postgres = await PostgresServer.StartForTestsAsync();
            var database = await postgres.CreateDatabaseAsync();
            var broker = EmbeddedKafkaBroker.Start();
            var stream = new DurableStream(broker, DurablePartitions, database.ConnectionString);
            foreach (var topic in stream.Topics.Inbound.Concat(stream.Topics.Outbound))
            {
                broker.CreateTopic(topic, DurablePartitions);
            }

            var httpPort = FreePorts.Next();
            KannelRig kannel;
            try
            {
                kannel = await KannelRig.StartAsync(KannelSiloSettings.InboundUrl(httpPort));
            }
            catch
            {
                broker.Dispose();
                await postgres.DisposeAsync();
                throw;
            }

            var all = KannelSiloSettings.For(kannel, httpPort);
            all["Sms__Link"] = Link;
            foreach (var (key, value) in stream.SiloSettings)
            {
                if (!writeBehindDefaults || !(key.StartsWith("WriteBehind__", StringComparison.Ordinal) || key == "Ingestion__CheckpointInterval"))
                {
                    all[key] = value;
                }
            }

            var setting = new Setting(kannel, httpPort, all, broker.Dispose)
            {
                Topics = stream.Topics,
                GroupId = stream.GroupId,
                Partitions = DurablePartitions,
                BootstrapServers = broker.BootstrapServers,
            };
            setting._owned.Add(postgres);
            try
            {
                await setting.StartSiloAsync();
                setting.ConnectProducer();
                return setting;
            }
            catch
            {
                await setting.DisposeAsync();
                throw;
            }
        }

        /// <summary>Starts the silo again on the same HTTP port, where Kannel's callbacks point.</summary>
        public async Task RestartSiloAsync()
        {
            await _client!.StopAsync();
            _client.Dispose();
            _client = null;
            await Silo.DisposeAsync();
            await StartSiloAsync();
        }

        /// <summary>E.164 phone, first name, a daytime zone and marketing consent; waits until every profile is applied and durable.</summary>
        /// <summary>
        /// Each shopper's profile (opted in); waits until the offsets are committed, or with
        /// <paramref name="untilApplied"/> only until the grains hold them (the silo's default
        /// write-behind commits a minute or two later).
        /// </summary>
        public async Task ProduceProfilesAsync(IReadOnlyList<Shopper> shoppers, bool untilApplied = false)
        {
            var at = Timestamp(DateTimeOffset.UtcNow.AddDays(-1));
            foreach (var s in shoppers)
            {
                Produce(Topics.Customers, s, $$"""{"type":"customer","eventId":"{{s.Id}}-profile","customerId":"{{s.Id}}","occurredAt":"{{at}}","firstName":"{{s.FirstName}}","phone":"{{s.Phone}}","timeZone":"{{Zone}}","smsConsent":{"status":"opted_in","source":"checkout","at":"{{at}}"} }""");
            }

            if (!untilApplied)
            {
                await WaitUntilCommittedAsync();
            }

            var views = await Until(
                () => Task.WhenAll(shoppers.Select(ViewAsync)),
                all => all.All(v => v.State.Profile.SmsConsent?.Status == ConsentStatus.OptedIn),
                Patience,
                "the profiles in the customers' grains");
            Assert.All(views, v => Assert.Equal(ConsentStatus.OptedIn, v.State.Profile.SmsConsent?.Status));
        }

        /// <summary>One order per amount for each shopper, on the purchases topic.</summary>
        public async Task ProducePurchasesAsync(IReadOnlyList<Shopper> shoppers, params decimal[] amounts)
        {
            var at = Timestamp(DateTimeOffset.UtcNow);
            foreach (var s in shoppers)
            {
                foreach (var amount in amounts)
                {
                    var order = $"{s.Id}-{Guid.NewGuid():N}";
                    var value = amount.ToString(CultureInfo.InvariantCulture);
                    Produce(Topics.Purchases, s, $$"""{"type":"purchase","eventId":"{{order}}","customerId":"{{s.Id}}","occurredAt":"{{at}}","orderId":"{{order}}","amount":{{value}},"currency":"USD","items":[{"sku":"SKU-1","quantity":1,"unitPrice":{{value}} }] }""");
                }
            }

            await Task.Run(() => _producer!.Flush(TimeSpan.FromSeconds(30)));
        }

        /// <summary><see cref="Eventually.Until{T}"/>, failing with what the silo and Kannel printed.</summary>
        public async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
        {
            try
            {
                return await Eventually.Until(probe, done, timeout, what);
            }
            catch (TimeoutException e)
            {
                var silo = Silo?.Output.Split(Environment.NewLine) ?? [];
                throw new TimeoutException(
                    $"{e.Message}\n--- silo output (last 60 lines):\n{string.Join('\n', silo.Skip(Math.Max(0, silo.Length - 60)))}\n{Kannel.Diagnostics()}", e);
            }
        }

        public Task Until(Func<bool> condition, TimeSpan timeout, string what) =>
            Until(() => Task.FromResult(condition()), done => done, timeout, what);

        public Task<CustomerView> ViewAsync(Shopper shopper) => Grains.GetGrain<ICustomerGrain>(shopper.Id).GetViewAsync();

        public async Task<List<OutboxMessage>> SmsAsync(Shopper shopper) =>
            (await ViewAsync(shopper)).State.Outbox.Messages.Where(m => m.Kind == OutboxKind.Sms).ToList();

        /// <summary>The tier-upgrade SMS of every shopper that has one.</summary>
        public async Task<SmsSnapshot> UpgradeSmsAsync(IReadOnlyList<Shopper> shoppers)
        {
            var all = await Task.WhenAll(shoppers.Select(SmsAsync));
            return new SmsSnapshot(all.SelectMany(messages => messages.Where(m => m.Sms!.Trigger == TierUpgrade)).ToList());
        }

        public async Task<OutboxMessage> WaitForSmsAsync(Shopper shopper, Func<OutboxMessage, bool> wanted, string what)
        {
            var messages = await Until(() => SmsAsync(shopper), all => all.Any(wanted), Patience, what);
            return messages.Single(wanted);
        }

        public Task<List<FakeSmscMessage>> WaitForArrivalsAsync(Shopper shopper, int count, string what) => Until(
            () => Task.FromResult(Kannel.ReceivedMessages.Where(m => m.To == shopper.Phone).ToList()), arrived => arrived.Count >= count, Patience, what);

        /// <summary>
        /// bearerbox holds nothing more for the fake SMSC (no queue, empty store) and fakesmsc has
        /// printed all it was sent, so a duplicate on its way would be counted too. bearerbox
        /// counts from its last start: call it when nothing was sent before a restart.
        /// </summary>
        public Task WaitUntilKannelIdleAsync() => Until(async () =>
        {
            var status = await Kannel.StatusAsync() ?? "";
            var idle = OutboundIdle().Match(status);
            var smsc = SmscSent().Match(status);
            return idle.Success && smsc.Success
                && int.Parse(smsc.Groups[1].Value, CultureInfo.InvariantCulture) == Kannel.ReceivedMessages.Count;
        }, idle => idle, Patience, "Kannel to have nothing left to send");

        public async ValueTask DisposeAsync()
        {
            _producer?.Dispose();
            if (_client is not null)
            {
                await _client.StopAsync();
                _client.Dispose();
            }

            if (Silo is not null)
            {
                await Silo.DisposeAsync();
            }

            await Kannel.DisposeAsync();
            _disposeBroker?.Invoke();
            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }
        }

        private async Task StartSiloAsync()
        {
            Silo = await SiloProcess.StartAsync(_siloSettings, HttpPort);
            _client = await DurableStream.ConnectAsync(Silo.GatewayPort);
        }

        private void ConnectProducer() =>
            _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5 }).Build();

        private void Produce(string topic, Shopper shopper, string json) =>
            _producer!.Produce(topic, new Message<string, byte[]> { Key = shopper.Id, Value = Encoding.UTF8.GetBytes(json) });

        /// <summary>Committed offsets mean applied and durable: later events on another topic cannot overtake these.</summary>
        private async Task WaitUntilCommittedAsync()
        {
            await Task.Run(() => _producer!.Flush(TimeSpan.FromSeconds(30)));
            await Until(
                () => Task.Run(() => KafkaOffsets.GroupCaughtUp(BootstrapServers, GroupId, Topics.Inbound, Partitions)), done => done,
                TimeSpan.FromMinutes(1), "the silo to commit the profiles");
        }

        private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        // "SMS: received 3 (0 queued), sent 5 (0 queued), store size 0"
        [GeneratedRegex(@"SMS: received \d+ \(\d+ queued\), sent \d+ \(0 queued\), store size 0")]
        private static partial Regex OutboundIdle();

        // "FAKE:41234 (online 4s, rcvd: sms 0 (0.00,0.00,0.00) / dlr 2 (0.33,0.33,0.33), sent: sms 1 (0.17,0.17,0.17) / dlr 0 (0.00,0.00,0.00), failed 0, queued 0 msgs)"
        [GeneratedRegex(@"sent: sms (\d+) .*queued 0 msgs")]
        private static partial Regex SmscSent();
    }

    /// <summary>Outbox messages, shown by status in a timeout's message.</summary>
    private sealed class SmsSnapshot(List<OutboxMessage> messages) : List<OutboxMessage>(messages)
    {
        public override string ToString() => $"{Count} messages: " + string.Join(", ", this
            .GroupBy(m => (m.Status, m.Delivery, m.Attempts, m.Detail))
            .Select(g => $"{g.Count()} x {g.Key.Status}/{g.Key.Delivery?.ToString() ?? "-"} after {g.Key.Attempts} failed attempts ({g.Key.Detail})"));
    }
}
