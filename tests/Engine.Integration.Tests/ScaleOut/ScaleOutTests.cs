using System.Diagnostics;
using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Integration.Tests.Processes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Engine.Integration.Tests.ScaleOut;

/// <summary>
/// The engine as a cluster: three silo processes on PostgreSQL membership share one consumer
/// group on a broker that outlives them, while a steady stream with tier changes and SMS
/// arrives. A deploy's SIGTERM hands partitions over without re-delivering anything; a SIGKILL
/// loses nothing and applies nothing twice; every tier change and SMS leaves once.
/// </summary>
[Trait("Category", "EndToEnd")]
[Trait("Load", "Heavy")]
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const string Duplicates = "engine_events_duplicate_total";
    private const string Applied = "engine_events_applied_total";
    private const string LocalBatches = "engine_ingestion_calls_total{placement=\"local\"}";
    private const string RemoteBatches = "engine_ingestion_calls_total{placement=\"remote\"}";

    [Fact]
    public async Task Three_silos_lose_nothing_and_apply_nothing_twice_through_a_rolling_restart_and_a_SIGKILL()
    {
        await using var rig = await ScaleOutRig.StartAsync(partitions: 12);
        var stream = rig.Stream;
        // Three slices, each produced steadily: before and during the rolling restart, after
        // it, and through the SIGKILL; so every phase has events arriving, however slow the machine.
        stream.PrepareLive(customers: 600, events: 15_000, seed: 53, prefix: "scale-");
        using var http = new HttpClient();

        var ann = await rig.StartSiloAsync("ann");
        var bob = await rig.StartSiloAsync("bob");
        var cyd = await rig.StartSiloAsync("cyd");
        var producing = stream.ProduceSteadilyAsync(0, 5_500, perSecond: 500);
        await Eventually.Until(() => AllAsync(http, [ann, bob, cyd], Applied), applied => applied.All(a => a > 0), TimeSpan.FromMinutes(2), "every silo to apply events of its own partitions");

        // A deploy's stop of bob: it drains (the batch in the grains, a final checkpoint that
        // writes its customers and commits every event it applied) and exits cleanly, and its
        // replacement joins. Re-deliveries during the handover are reported, not asserted: the
        // embedded broker (librdkafka's mock) refuses the survivors' commits while the group is
        // joining, where Kafka accepts a commit of the current generation (docs/deploy.md).
        Assert.Equal(0, await bob.StopAsync(TimeSpan.FromMinutes(3)));
        Assert.Contains("Final checkpoint committed every applied event", bob.Output, StringComparison.Ordinal);
        var before = await AllAsync(http, [ann, cyd], Duplicates);
        var bea = await rig.StartSiloAsync("bea");
        await producing;
        var handedOver = await AllAsync(http, [ann, cyd, bea], Applied);
        producing = stream.ProduceSteadilyAsync(5_500, 4_000, perSecond: 500);
        await Eventually.Until(
            () => AllAsync(http, [ann, cyd, bea], Applied),
            applied => applied.Zip(handedOver).All(p => p.First >= p.Second + 150),
            TimeSpan.FromMinutes(3), "every silo, the restarted one too, to apply 150 events of the next slice");
        var after = await AllAsync(http, [ann, cyd, bea], Duplicates);
        output.WriteLine($"re-delivered during the rolling restart: ann {after[0] - before[0]}, cyd {after[1] - before[1]}, bea {after[2]}\n"
            + await rig.DiagnosticsAsync(http, [("ann", ann), ("cyd", cyd), ("bea", bea)]));

        // Hard loss of ann: its partitions and customers move to the survivors.
        await producing;
        producing = stream.ProduceSteadilyAsync(9_500, 5_500, perSecond: 500);
        var killedAt = Stopwatch.StartNew();
        await ann.KillAsync();
        await producing;
        await stream.WaitUntilCommittedAsync(TimeSpan.FromMinutes(5));
        output.WriteLine($"every partition committed to its end {killedAt.Elapsed.TotalSeconds:F0} s after the SIGKILL");

        // Placement: customers live where their partition is consumed, so most batches stay
        // on their silo; a customer whose partition moved takes one remote batch, then follows.
        var local = (await AllAsync(http, [cyd, bea], LocalBatches)).Sum();
        var remote = (await AllAsync(http, [cyd, bea], RemoteBatches)).Sum();
        output.WriteLine($"batches since the rolling restart on the survivors: {local} local, {remote} remote ({remote / Math.Max(1, local + remote):P1})");
        Assert.True(remote < local, $"{remote} of {local + remote} batches crossed the network");

        var oracle = CustomerOracle.Compute(stream.Events.Select(e => e.Json));
        using var client = await ScaleOutRig.ConnectAsync([cyd, bea]);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var sms = new List<OutboxMessage>();
        foreach (var (customerId, customer) in oracle)
        {
            var view = await grains.GetGrain<ICustomerGrain>(customerId).GetViewAsync();
            StateAssertions.Matches(customerId, customer, view);
            sms.AddRange(view.State.Outbox.Messages.Where(m => m.Kind == OutboxKind.Sms));
        }

        await client.StopAsync();

        // Every tier change decided was published once.
        var expectedChanges = oracle.Values.Sum(c => c.TierChanges);
        Assert.True(expectedChanges > 20, $"the stream should upgrade many customers, not {expectedChanges}");
        var records = TierChangeTopic.Read(rig.Broker.BootstrapServers, stream.Topics.TierChanges, r => r.CustomerId.StartsWith("scale-", StringComparison.Ordinal), expectedChanges);
        Assert.Equal(expectedChanges, records.Count);
        Assert.Equal(expectedChanges, records.Select(r => r.EffectId).Distinct().Count());

        // Every SMS sent reached a gateway once; none twice. One in flight at the SIGKILL is
        // Unknown (not repeated), which is the protocol's promise for a send cut short.
        var handedOut = rig.SmsHandedOut();
        var twice = handedOut.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} SMS handed to a gateway twice");
        var done = sms.Where(m => m.Status == OutboxStatus.Done).Select(m => m.Id).ToHashSet();
        var unknown = sms.Where(m => m.Status == OutboxStatus.Unknown).Select(m => m.Id).ToHashSet();
        Assert.True(done.Count > 20, $"the stream should text many upgraded customers, not {done.Count}");
        Assert.Empty(done.Except(handedOut));
        Assert.DoesNotContain(handedOut, id => !done.Contains(id) && !unknown.Contains(id));
        output.WriteLine($"{expectedChanges} tier changes, {done.Count} SMS sent, {unknown.Count} unknown after the SIGKILL");
    }

    /// <summary>
    /// The concurrent-writer path across processes: a second silo joins while the first holds
    /// its customers' events unsaved (a long write-behind, customers left where they are), so
    /// the newcomer's batches land in grains on the old owner; then the old owner dies with
    /// them. The newcomer sees the gap, rewinds, re-delivers, and every customer ends exact.
    /// </summary>
    [Fact]
    public async Task A_rebalance_while_the_old_owner_holds_unsaved_events_and_then_dies_loses_nothing()
    {
        await using var rig = await ScaleOutRig.StartAsync(partitions: 8);
        var stream = rig.Stream;
        var producing = stream.ProduceSteadilyAsync(customers: 600, events: 12_000, seed: 59, prefix: "handover-", perSecond: 400);
        using var http = new HttpClient();
        var unsaved = new Dictionary<string, string>
        {
            ["WriteBehind__MaxUnsavedAge"] = "00:01:00",
            ["Cluster__Placement__MoveToConsumer"] = "false",
        };

        var ann = await rig.StartSiloAsync("ann", unsaved);
        await Eventually.Until(() => DurableStream.AppliedAsync(http, ann), applied => applied >= 2_000, TimeSpan.FromMinutes(2), "ann to apply 2000 events");
        // Only ann's write-behind must be long (its grains hold the unsaved events); bob's
        // default one lets the stream's end be committed soon after the customers move to it.
        var bob = await rig.StartSiloAsync("bob", new Dictionary<string, string> { ["Cluster__Placement__MoveToConsumer"] = "false" });
        await Eventually.Until(() => ScaleOutRig.MetricAsync(http, ann, RemoteBatches), remote => remote >= 100, TimeSpan.FromMinutes(2), "bob's batches to reach customers living on ann");
        await ann.KillAsync();

        await producing;
        await stream.WaitUntilCommittedAsync(TimeSpan.FromMinutes(5));
        var rewinds = await rig.DiagnosticsAsync(http, [("bob", bob)]);
        output.WriteLine(rewinds);
        Assert.Contains("engine_partition_rewinds_total{reason=", rewinds, StringComparison.Ordinal);

        var oracle = CustomerOracle.Compute(stream.Events.Select(e => e.Json));
        using var client = await ScaleOutRig.ConnectAsync([bob]);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        foreach (var (customerId, customer) in oracle)
        {
            StateAssertions.Matches(customerId, customer, await grains.GetGrain<ICustomerGrain>(customerId).GetViewAsync());
        }

        await client.StopAsync();
        var expectedChanges = oracle.Values.Sum(c => c.TierChanges);
        var records = TierChangeTopic.Read(rig.Broker.BootstrapServers, stream.Topics.TierChanges, r => r.CustomerId.StartsWith("handover-", StringComparison.Ordinal), expectedChanges);
        Assert.Equal(expectedChanges, records.Select(r => r.EffectId).Distinct().Count());
        Assert.Equal(expectedChanges, records.Count);
    }

    private static async Task<double[]> AllAsync(HttpClient http, IReadOnlyList<SiloProcess> silos, string metric) =>
        await Task.WhenAll(silos.Select(s => ScaleOutRig.MetricAsync(http, s, metric)));
}
