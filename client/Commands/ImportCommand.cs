using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Engine.Client.Import;
using Engine.Client.Kafka;
using Engine.Contracts;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>import FILE --shop NAME</c>: loads a shop's order history (CSV or JSON lines) as backfill
/// purchase events: state is built as live, nothing is texted, tier changes are published
/// marked historical. Event ids come from shop and order, and each customer's orders go oldest
/// first, so running it again applies nothing twice (docs/events.md, "Backfill").
/// </summary>
public static class ImportCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var input = new Argument<string>("FILE") { Description = "Order history: CSV with a header row, or JSON lines (columns customer, order, time, amount, currency, optional items)" };
        var shop = new Option<string>("--shop")
        {
            Description = "The shop's name, part of every event id: the same shop and order always give the same event",
            HelpName = "NAME",
            Required = true,
        };
        shop.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || value.Length > 32 || value.Contains(':', StringComparison.Ordinal))
            {
                result.AddError("--shop must be 1 to 32 characters without ':'.");
            }
        });
        var format = new Option<string?>("--format") { Description = "csv or jsonl (default: from the file's extension, .csv or else JSON lines)", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Kafka bootstrap servers; without it they (and the topic) are asked from the cluster", HelpName = "ADDR" };
        var purchasesTopic = new Option<string?>("--purchases-topic") { Description = $"Topic name (default: the cluster's, or {DefaultTopics.Purchases} with --bootstrap)", HelpName = "NAME" };
        var deliveryTimeout = new Option<int>("--delivery-timeout") { Description = "Seconds to keep trying to deliver each event", HelpName = "SECONDS", DefaultValueFactory = _ => 60 };

        var command = new Command("import", "Load a shop's order history as backfill: state is built, nothing is texted.")
        {
            input, shop, format, bootstrap, purchasesTopic, deliveryTimeout,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(input);
            var request = new ImportRequest(
                path,
                parseResult.GetRequiredValue(shop).Trim(),
                OrderHistoryFile.FormatOf(path, parseResult.GetValue(format)),
                NonBlank(parseResult.GetValue(bootstrap)),
                NonBlank(parseResult.GetValue(purchasesTopic)),
                TimeSpan.FromSeconds(Math.Clamp(parseResult.GetValue(deliveryTimeout), 1, 3600)));
            return await RunAsync(engine.Read(parseResult), request, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(EngineAddress address, ImportRequest request, CancellationToken cancellationToken)
    {
        OrderHistory history;
        try
        {
            history = OrderHistoryFile.Read(request.Input, request.Format, request.Shop);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvHelper.CsvFormatException)
        {
            await Console.Error.WriteLineAsync($"cannot read {request.Input}: {e.Message}");
            return ExitCodes.Usage;
        }

        foreach (var (line, problem) in history.Problems.Take(10))
        {
            await Console.Error.WriteLineAsync($"line {line}: skipped: {problem}");
        }

        string bootstrap, topic;
        try
        {
            (bootstrap, topic) = await ResolveAsync(address, request, cancellationToken);
        }
        catch (EngineUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message} (or give --bootstrap)");
            return ExitCodes.EngineUnreachable;
        }

        var orders = history.Sorted(request.Shop);
        var tally = new ProduceTally("purchases");
        for (var i = 0; i < history.Problems.Count; i++)
        {
            tally.RecordSkipped();
        }

        try
        {
            await ProduceAsync(orders, request, bootstrap, topic, tally, cancellationToken);
        }
        catch (KafkaException e)
        {
            await Console.Error.WriteLineAsync($"kafka: {e.Error.Reason}");
            return ExitCodes.Failed;
        }

        await Console.Out.WriteLineAsync("backfill: " + tally.Summary());
        return tally.IsComplete ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static Task ProduceAsync(IReadOnlyList<OrderRecord> orders, ImportRequest request, string bootstrap, string topic, ProduceTally tally, CancellationToken cancellationToken)
    {
        // The header, not a field: the events stay contract v1, and the engine reads them as history.
        var backfill = new Headers { { EventHeaders.Mode, Encoding.UTF8.GetBytes(EventHeaders.BackfillMode) } };
        void Publish(Action<int> progress)
        {
            using var publisher = new EventPublisher(bootstrap, request.DeliveryTimeout, tally, Console.Error);
            try
            {
                for (var i = 0; i < orders.Count && !cancellationToken.IsCancellationRequested; i++)
                {
                    var order = orders[i];
                    publisher.Publish(new JsonLine(i + 1, order.ToPurchaseEvent(request.Shop)), topic, Encoding.UTF8.GetBytes(order.Customer), destination: 0, backfill);
                    if (i % 1000 == 0)
                    {
                        progress(tally.Delivered + tally.Failed);
                    }
                }
            }
            finally
            {
                publisher.Complete();
                progress(tally.Delivered + tally.Failed);
            }
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            Publish(_ => { });
            return Task.CompletedTask;
        }

        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(context =>
            {
                var task = context.AddTask(string.Create(CultureInfo.InvariantCulture, $"importing {orders.Count} orders"), maxValue: Math.Max(1, orders.Count));
                return Task.Run(() => Publish(done => task.Value = done), cancellationToken);
            });
    }

    private static async Task<(string Bootstrap, string Topic)> ResolveAsync(EngineAddress address, ImportRequest request, CancellationToken cancellationToken)
    {
        var topics = EventTopics.From(await EngineInfoLookup.ResolveAsync(address, request.Bootstrap, cancellationToken));
        return (topics.BootstrapServers, request.PurchasesTopic ?? topics.Purchases);
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record ImportRequest(string Input, string Shop, string Format, string? Bootstrap, string? PurchasesTopic, TimeSpan DeliveryTimeout);
}
