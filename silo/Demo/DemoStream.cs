using Confluent.Kafka;
using Engine.Contracts;
using Engine.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Demo;

/// <summary>
/// With <c>--demo</c>, produces a simulated shopper stream into the engine's own topics at
/// a steady pace, so a newcomer sees customers' state change (see the admin client).
/// </summary>
public sealed partial class DemoStream(KafkaEndpoint endpoint, IOptions<DemoOptions> options, TimeProvider time, ILogger<DemoStream> logger) : BackgroundService
{
    private const double MaxTicksPerSecond = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        if (!demo.Enabled)
        {
            return;
        }

        using var producer = new ProducerBuilder<string, byte[]>(endpoint.ProducerConfig()).Build();
        var simulation = new ShopperSimulation(demo.Customers, demo.Seed, time.GetUtcNow(), "demo-", time.GetUtcNow);
        LogStarted(demo.Customers, demo.EventsPerSecond, simulation.CustomerIds.First());
        var topics = endpoint.Topics;
        // A timer cannot tick more than once a millisecond: above MaxTicksPerSecond each tick
        // sends a burst, its share of the rate.
        var rate = Math.Max(0.1, demo.EventsPerSecond);
        var ticksPerSecond = Math.Min(rate, MaxTicksPerSecond);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / ticksPerSecond), time);
        var due = 0.0;
        long produced = 0;
        try
        {
            using var events = simulation.Take(int.MaxValue).GetEnumerator();
            while (true)
            {
                for (due += rate / ticksPerSecond; due >= 1 && events.MoveNext(); due--)
                {
                    var simulated = events.Current;
                    producer.Produce(topics.TopicOf(simulated.Type), new Message<string, byte[]> { Key = simulated.CustomerId, Value = simulated.Json });
                    if (++produced % 500 == 0)
                    {
                        LogProgress(produced);
                    }
                }

                await timer.WaitForNextTickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            producer.Flush(TimeSpan.FromSeconds(5));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo: streaming {Customers} simulated shoppers at {Rate} events/s; try: dotnet run --project client -- customer show {Example}")]
    private partial void LogStarted(int customers, double rate, string example);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Count} events produced")]
    private partial void LogProgress(long count);
}
