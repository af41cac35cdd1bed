using System.CommandLine;
using System.Text;
using Engine.Client.Kafka;
using Engine.Contracts;

namespace Engine.Client.Commands;

/// <summary>
/// <c>produce FILE|-</c>: sends JSON-line events to the engine's Kafka topics, routed by
/// their type and keyed by customer, as a real upstream system would.
/// </summary>
public static class ProduceCommand
{
    private const string StandardInput = "-";

    public static Command Create(EngineAddressOptions engine)
    {
        var input = new Argument<string>("FILE") { Description = "A file of JSON lines, or - for standard input" };
        var rawTopic = new Option<string?>("--topic")
        {
            Description = "Send every line unparsed to this topic (key = customerId when readable), to test dead-letter handling",
            HelpName = "NAME",
        };
        var bootstrap = new Option<string?>("--bootstrap")
        {
            Description = "Kafka bootstrap servers; without it they (and the topics) are asked from the cluster",
            HelpName = "ADDR",
        };
        var purchasesTopic = TopicOption("--purchases-topic", DefaultTopics.Purchases);
        var clicksTopic = TopicOption("--clicks-topic", DefaultTopics.Clicks);
        var customersTopic = TopicOption("--customers-topic", DefaultTopics.Customers);
        var deliveryTimeout = new Option<int>("--delivery-timeout")
        {
            Description = "Seconds to keep trying to deliver each event",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 30,
        };
        deliveryTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                result.AddError("--delivery-timeout must be between 1 and 3600 seconds.");
            }
        });

        var command = new Command("produce", "Send events from a JSON-lines file to the engine's Kafka topics.")
        {
            input, rawTopic, bootstrap, purchasesTopic, clicksTopic, customersTopic, deliveryTimeout,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new ProduceRequest(
                parseResult.GetRequiredValue(input),
                NonBlank(parseResult.GetValue(rawTopic)),
                NonBlank(parseResult.GetValue(bootstrap)),
                NonBlank(parseResult.GetValue(purchasesTopic)),
                NonBlank(parseResult.GetValue(clicksTopic)),
                NonBlank(parseResult.GetValue(customersTopic)),
                TimeSpan.FromSeconds(parseResult.GetValue(deliveryTimeout)));
            return await RunAsync(engine.Read(parseResult), request, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(EngineAddress address, ProduceRequest request, CancellationToken cancellationToken)
    {
        Stream source;
        try
        {
            source = request.Input == StandardInput ? Console.OpenStandardInput() : File.OpenRead(request.Input);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await Console.Error.WriteLineAsync($"cannot read {request.Input}: {e.Message}");
            return ExitCodes.Usage;
        }

        await using (source)
        {
            EventTopics topics;
            try
            {
                topics = await ResolveTopicsAsync(address, request, cancellationToken);
            }
            catch (EngineUnreachableException e)
            {
                await Console.Error.WriteLineAsync($"{e.Message} (or give --bootstrap)");
                return ExitCodes.EngineUnreachable;
            }

            var tally = request.RawTopic is { } topic ? new ProduceTally(topic) : ProduceTally.ByEventStream();
            try
            {
                await PublishLinesAsync(source, request, topics, tally, cancellationToken);
            }
            catch (Confluent.Kafka.KafkaException e)
            {
                await Console.Error.WriteLineAsync($"kafka: {e.Error.Reason}");
                return ExitCodes.Failed;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"cannot read {request.Input}: {e.Message}");
                return ExitCodes.Failed;
            }

            await Console.Out.WriteLineAsync(tally.Summary());
            return tally.IsComplete ? ExitCodes.Success : ExitCodes.Failed;
        }
    }

    private static async Task PublishLinesAsync(Stream source, ProduceRequest request, EventTopics topics, ProduceTally tally, CancellationToken cancellationToken)
    {
        using var publisher = new EventPublisher(topics.BootstrapServers, request.DeliveryTimeout, tally, Console.Error);
        try
        {
            await foreach (var line in JsonLineReader.ReadAsync(source, cancellationToken))
            {
                Send(line, request.RawTopic, topics, publisher, tally);
            }
        }
        finally
        {
            // Lines queued before a read failure still get their chance to be delivered.
            publisher.Complete();
        }
    }

    private static void Send(JsonLine line, string? rawTopic, EventTopics topics, EventPublisher publisher, ProduceTally tally)
    {
        if (line.IsBlank)
        {
            return;
        }

        var route = EventRouting.Route(line.Bytes);
        var key = route.CustomerId is { } customerId ? Encoding.UTF8.GetBytes(customerId) : null;
        if (rawTopic is not null)
        {
            publisher.Publish(line, rawTopic, key, destination: 0);
        }
        else if (route.Stream is { } stream)
        {
            publisher.Publish(line, topics.TopicOf(stream), key, ProduceTally.DestinationOf(stream));
        }
        else
        {
            tally.RecordSkipped();
            Console.Error.WriteLine($"line {line.Number}: skipped: {route.Problem}");
        }
    }

    private static async Task<EventTopics> ResolveTopicsAsync(EngineAddress address, ProduceRequest request, CancellationToken cancellationToken)
    {
        var topics = EventTopics.From(await EngineInfoLookup.ResolveAsync(address, request.Bootstrap, cancellationToken));

        // Topics given on the command line win over the defaults and over the cluster's.
        return topics with
        {
            Purchases = request.PurchasesTopic ?? topics.Purchases,
            Clicks = request.ClicksTopic ?? topics.Clicks,
            Customers = request.CustomersTopic ?? topics.Customers,
        };
    }

    private static Option<string?> TopicOption(string name, string defaultTopic) => new(name)
    {
        Description = $"Topic name (default: the cluster's, or {defaultTopic} with --bootstrap)",
        HelpName = "NAME",
    };

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record ProduceRequest(
        string Input,
        string? RawTopic,
        string? Bootstrap,
        string? PurchasesTopic,
        string? ClicksTopic,
        string? CustomersTopic,
        TimeSpan DeliveryTimeout);
}
