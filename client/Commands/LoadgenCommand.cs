using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Client.Kafka;
using Engine.Client.Rendering;
using Engine.Contracts;
using Engine.Silo.Demo;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>loadgen --rate R --customers N --duration D</c>: a realistic stream of simulated shoppers
/// (profiles, a year of history, then live sessions stamped now) produced at a steady rate to
/// the engine's topics, with live progress; for trying a deployment and watching its dashboards.
/// </summary>
public static class LoadgenCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var rate = new Option<int>("--rate") { Description = "Events per second", HelpName = "R", DefaultValueFactory = _ => 1000 };
        rate.Validators.Add(result => Positive(result, "--rate", 1_000_000));
        var customers = new Option<int>("--customers") { Description = "Distinct simulated customers", HelpName = "N", DefaultValueFactory = _ => 10_000 };
        customers.Validators.Add(result => Positive(result, "--customers", 10_000_000));
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "How long to produce: 90s, 5m, 1h or hh:mm:ss",
            HelpName = "D",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            CustomParser = result => ParseDuration(result.Tokens.Single().Value, result),
        };
        var profile = new Option<ShopperProfile>("--profile") { Description = "realistic (a shop's purchase rhythm) or stress (every customer climbs the tiers within minutes)", DefaultValueFactory = _ => ShopperProfile.Realistic };
        var seed = new Option<int>("--seed") { Description = "Which simulated customers (the same seed gives the same customer ids)", DefaultValueFactory = _ => 1 };
        var prefix = new Option<string>("--prefix") { Description = "Customer id prefix, to keep generated customers apart from real ones", DefaultValueFactory = _ => "load-" };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Kafka bootstrap servers; without it they (and the topics) are asked from the cluster", HelpName = "ADDR" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON (no live progress)" };
        var command = new Command("loadgen", "Produce a realistic stream of simulated shoppers at a steady rate, with live progress.")
        {
            rate, customers, duration, profile, seed, prefix, bootstrap, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new LoadRequest(parseResult.GetValue(rate), parseResult.GetValue(customers), parseResult.GetValue(duration), parseResult.GetValue(profile),
                parseResult.GetValue(seed), parseResult.GetValue(prefix) ?? "load-", parseResult.GetValue(json));
            EventTopics topics;
            try
            {
                var servers = parseResult.GetValue(bootstrap) is { Length: > 0 } given ? given.Trim() : null;
                topics = EventTopics.From(await EngineInfoLookup.ResolveAsync(engine.Read(parseResult), servers, cancellationToken));
            }
            catch (EngineUnreachableException e)
            {
                await Console.Error.WriteLineAsync($"{e.Message} (or give --bootstrap)");
                return ExitCodes.EngineUnreachable;
            }

            return await RunAsync(topics, request, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(EventTopics topics, LoadRequest request, CancellationToken cancellationToken)
    {
        var total = (long)Math.Round(request.Rate * request.Duration.TotalSeconds);
        // A new event id prefix per run: a second run's events are new events, not replays.
        var runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var shoppers = new ShopperSimulation(request.Customers, request.Seed, DateTimeOffset.UtcNow, request.Prefix, () => DateTimeOffset.UtcNow, request.Profile, eventIdPrefix: $"lg{runId}-")
            .Take(int.MaxValue).GetEnumerator();
        var tally = ProduceTally.ByEventStream();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        using (var publisher = new EventPublisher(topics.BootstrapServers, TimeSpan.FromSeconds(30), tally, Console.Error))
        {
            async Task ProduceAllAsync(Action<long>? progress)
            {
                while (sent < total && !cancellationToken.IsCancellationRequested)
                {
                    // Paced by the clock, not by sleeps per event: behind schedule, it catches up.
                    var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * request.Rate) + 1);
                    while (sent < due && shoppers.MoveNext())
                    {
                        var simulated = shoppers.Current;
                        var stream = EventStreams.Of(simulated.Type);
                        publisher.Publish(new JsonLine((int)Math.Min(int.MaxValue, sent + 1), simulated.Json), topics.TopicOf(stream), Encoding.UTF8.GetBytes(simulated.CustomerId), ProduceTally.DestinationOf(stream));
                        sent++;
                    }

                    progress?.Invoke(sent);
                    if (sent < total)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
                    }
                }

                publisher.Complete();
            }

            if (request.Json || Console.IsOutputRedirected)
            {
                await ProduceAllAsync(null);
            }
            else
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask($"producing {DisplayFormat.Count(total)} events at {DisplayFormat.Count(request.Rate)}/s", maxValue: Math.Max(1, total));
                        await ProduceAllAsync(n =>
                        {
                            task.Value = n;
                            task.Description = $"sent {DisplayFormat.Count(n)}, delivered {DisplayFormat.Count(tally.Delivered)}, failed {DisplayFormat.Count(tally.Failed)}";
                        });
                    });
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var summary = new LoadgenReport(sent, tally.Delivered, tally.Failed, request.Customers, Math.Round(seconds, 3), Math.Round(tally.Delivered / Math.Max(seconds, 0.001), 1));
        if (request.Json)
        {
            await Console.Out.WriteLineAsync(ReportJson.Serialize(summary));
        }
        else
        {
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"loadgen: sent {summary.Sent:N0} events for {summary.Customers:N0} customers in {summary.Seconds:0.0} s ({summary.EventsPerSecond:N0}/s delivered); delivered {summary.Delivered:N0}, failed {summary.Failed:N0}"));
        }

        return cancellationToken.IsCancellationRequested || tally.Failed > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static void Positive(System.CommandLine.Parsing.OptionResult result, string name, int maximum)
    {
        if (result.GetValueOrDefault<int>() is var value && (value < 1 || value > maximum))
        {
            result.AddError($"{name} must be between 1 and {maximum:N0}, not {value}.");
        }
    }

    private static TimeSpan ParseDuration(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        var value = text.Trim();
        TimeSpan? parsed = value.Length > 1 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            ? value[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => null,
            }
            : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : null;
        if (parsed is not { } duration || duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
        {
            result.AddError($"--duration must be a positive duration up to 7 days, e.g. 90s, 5m, 1h or 00:10:00, not '{text}'.");
            return TimeSpan.Zero;
        }

        return duration;
    }

    private sealed record LoadRequest(int Rate, int Customers, TimeSpan Duration, ShopperProfile Profile, int Seed, string Prefix, bool Json);
}

/// <summary>What <c>loadgen</c> did.</summary>
public sealed record LoadgenReport(long Sent, int Delivered, int Failed, int Customers, double Seconds, double EventsPerSecond);
