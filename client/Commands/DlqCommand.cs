using System.CommandLine;
using Confluent.Kafka;
using Engine.Client.DeadLetters;
using Engine.Client.Kafka;
using Engine.Client.Rendering;
using Engine.Contracts;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>dlq list|show|replay</c>: the events the engine refused, with why and where they came
/// from, and sending fixed ones back to their topic (docs/events.md, "Dead letters").
/// </summary>
public static class DlqCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var bootstrap = new Option<string?>("--bootstrap")
        {
            Description = "Kafka bootstrap servers; without it they (and the dead-letter topic) are asked from the cluster",
            HelpName = "ADDR",
            Recursive = true,
        };
        var topic = new Option<string?>("--topic")
        {
            Description = $"The dead-letter topic (default: the cluster's, or {DefaultTopics.DeadLetter} with --bootstrap)",
            HelpName = "NAME",
            Recursive = true,
        };
        var command = new Command("dlq", "Look at the dead-letter topic and replay fixed events.") { bootstrap, topic };
        var source = new DeadLetterSource(engine, bootstrap, topic);
        command.Add(List(source));
        command.Add(Show(source));
        command.Add(Replay(source));
        return command;
    }

    private static Command List(DeadLetterSource source)
    {
        var reason = new Option<string?>("--reason") { Description = "Only dead letters refused for this reason (e.g. invalid-field)", HelpName = "REASON" };
        var limit = new Option<int>("--limit") { Description = "Show at most the last N (the counts cover all)", HelpName = "N", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("list", "List the dead letters, newest last, with reason, detail, source position and key; and how many of each reason.") { reason, limit, json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var asJson = parseResult.GetValue(json);
            return await source.RunAsync(parseResult, "dlq list", topic =>
            {
                var letters = ReadWithProgress(topic, interactive: !asJson && !Console.IsOutputRedirected, cancellationToken);
                var wanted = parseResult.GetValue(reason) is { Length: > 0 } r ? letters.Where(l => l.Reason == r).ToList() : letters;
                var shown = wanted.OrderBy(l => l.RejectedAt ?? DateTimeOffset.MinValue).ThenBy(l => l.Position.Partition).ThenBy(l => l.Position.Offset)
                    .TakeLast(parseResult.GetValue(limit)).Select(l => DeadLetterReport.From(l, withValue: false)).ToList();
                var report = new DeadLetterListReport(topic.Topic, wanted.Count, wanted.GroupBy(l => l.Reason).ToDictionary(g => g.Key, g => g.Count()), shown);
                if (asJson)
                {
                    Console.Out.WriteLine(ReportJson.Serialize(report));
                }
                else
                {
                    DeadLetterRenderer.RenderList(AnsiConsole.Console, report);
                }

                return Task.FromResult(ExitCodes.Success);
            }, cancellationToken);
        });
        return command;
    }

    private static Command Show(DeadLetterSource source)
    {
        var position = PositionArgument();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var valueOnly = new Option<bool>("--value") { Description = "Print only the event's value, as sent (to fix it and replay it with --value-file)" };
        var command = new Command("show", "Show one dead letter: its headers (the engine's and the producer's) and the event as it was sent, personal data included.") { position, json, valueOnly };
        command.SetAction(async (parseResult, cancellationToken) =>
            await source.RunAsync(parseResult, "dlq show", async topic =>
            {
                var at = parseResult.GetRequiredValue(position);
                if (topic.Find(at) is not { } letter)
                {
                    await Console.Error.WriteLineAsync($"dlq show: {topic.Topic} has no dead letter at {at}");
                    return ExitCodes.Failed;
                }

                var report = DeadLetterReport.From(letter, withValue: true);
                if (parseResult.GetValue(valueOnly))
                {
                    await Console.Out.WriteLineAsync(letter.ValueText);
                }
                else if (parseResult.GetValue(json))
                {
                    await Console.Out.WriteLineAsync(ReportJson.Serialize(report));
                }
                else
                {
                    DeadLetterRenderer.RenderOne(AnsiConsole.Console, report);
                }

                return ExitCodes.Success;
            }, cancellationToken));
        return command;
    }

    private static Command Replay(DeadLetterSource source)
    {
        var positions = new Argument<DeadLetterPosition[]>("DEAD-LETTER")
        {
            Description = "Dead letters to send back, as partition:offset (from dlq list)",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = result => [.. result.Tokens.Select(t => ParsePosition(t.Value, result))],
        };
        var reason = new Option<string?>("--reason") { Description = "Replay every dead letter refused for this reason (once the engine or the producer is fixed)", HelpName = "REASON" };
        var valueFile = new Option<FileInfo?>("--value-file") { Description = "Send this file's content instead of the dead letter's value (one dead letter only)", HelpName = "FILE" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be sent, send nothing" };
        var command = new Command(
            "replay",
            "Send dead letters back to the topic they came from, with their key and the producer's headers (plus dlq-replayed-from); "
            + "the engine validates them again, and one still wrong comes back to the dead-letter topic.")
        {
            positions, reason, valueFile, dryRun,
        };
        command.Validators.Add(result =>
        {
            var given = result.GetValue(positions)?.Length ?? 0;
            var byReason = !string.IsNullOrEmpty(result.GetValue(reason));
            if (given == 0 == !byReason)
            {
                result.AddError("dlq replay: give dead letters (partition:offset) or --reason, not both and not neither.");
            }
            else if (result.GetValue(valueFile) is not null && given != 1)
            {
                result.AddError("dlq replay: --value-file replaces the value of one dead letter; give exactly one.");
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
            await source.RunAsync(parseResult, "dlq replay", async topic =>
            {
                byte[]? fixedValue = null;
                if (parseResult.GetValue(valueFile) is { } file)
                {
                    try
                    {
                        fixedValue = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        await Console.Error.WriteLineAsync($"dlq replay: cannot read {file.FullName}: {e.Message}");
                        return ExitCodes.Usage;
                    }
                }

                var chosen = new List<DeadLetter>();
                if (parseResult.GetValue(reason) is { Length: > 0 } wanted)
                {
                    chosen.AddRange(topic.ReadAll(cancellationToken).Where(l => l.Reason == wanted));
                }

                foreach (var at in parseResult.GetValue(positions) ?? [])
                {
                    if (topic.Find(at) is not { } letter)
                    {
                        await Console.Error.WriteLineAsync($"dlq replay: {topic.Topic} has no dead letter at {at}; nothing sent");
                        return ExitCodes.Failed;
                    }

                    chosen.Add(letter);
                }

                foreach (var letter in chosen)
                {
                    if (letter.SourceTopic.Length == 0)
                    {
                        await Console.Error.WriteLineAsync($"dlq replay: {letter.Position} does not say which topic it came from; nothing sent");
                        return ExitCodes.Failed;
                    }
                }

                foreach (var letter in chosen)
                {
                    if (parseResult.GetValue(dryRun))
                    {
                        await Console.Out.WriteLineAsync($"would send {letter.Position} ({letter.Reason}) to {letter.SourceTopic}");
                        continue;
                    }

                    var landed = await topic.ReplayAsync(letter, fixedValue, cancellationToken);
                    await Console.Out.WriteLineAsync($"sent {letter.Position} ({letter.Reason}) to {landed.Topic}[{landed.Partition.Value}]@{landed.Offset.Value}{(fixedValue is null ? "" : ", fixed value")}");
                }

                await Console.Out.WriteLineAsync($"{(parseResult.GetValue(dryRun) ? "would replay" : "replayed")} {chosen.Count} dead letters");
                return ExitCodes.Success;
            }, cancellationToken));
        return command;
    }

    private static Argument<DeadLetterPosition> PositionArgument() => new("DEAD-LETTER")
    {
        Description = "The dead letter, as partition:offset (from dlq list)",
        CustomParser = result => ParsePosition(result.Tokens.Single().Value, result),
    };

    private static DeadLetterPosition ParsePosition(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (DeadLetterPosition.TryParse(text, out var position))
        {
            return position;
        }

        result.AddError($"'{text}' is not a dead letter position: write partition:offset, e.g. 0:42 (dlq list shows them).");
        return default;
    }

    private static IReadOnlyList<DeadLetter> ReadWithProgress(DeadLetterTopic topic, bool interactive, CancellationToken cancellationToken)
    {
        if (!interactive)
        {
            return topic.ReadAll(cancellationToken);
        }

        IReadOnlyList<DeadLetter> letters = [];
        AnsiConsole.Progress().AutoClear(true).Start(context =>
        {
            var task = context.AddTask("reading dead letters");
            letters = topic.ReadAll(cancellationToken, (read, total) =>
            {
                task.MaxValue = Math.Max(1, total);
                task.Value = read;
            });
        });
        return letters;
    }

    /// <summary>Finds the dead-letter topic (flags, else the cluster) and turns Kafka and cluster failures into exit codes.</summary>
    private sealed class DeadLetterSource(EngineAddressOptions engine, Option<string?> bootstrap, Option<string?> topic)
    {
        public async Task<int> RunAsync(ParseResult parseResult, string command, Func<DeadLetterTopic, Task<int>> action, CancellationToken cancellationToken)
        {
            DeadLetterTopic deadLetters;
            try
            {
                deadLetters = await ResolveAsync(parseResult, cancellationToken);
            }
            catch (EngineUnreachableException e)
            {
                await Console.Error.WriteLineAsync($"{e.Message} (or give --bootstrap)");
                return ExitCodes.EngineUnreachable;
            }

            try
            {
                return await action(deadLetters);
            }
            catch (KafkaException e)
            {
                await Console.Error.WriteLineAsync($"{command}: kafka: {e.Error.Reason}");
                return ExitCodes.Failed;
            }
        }

        private async Task<DeadLetterTopic> ResolveAsync(ParseResult parseResult, CancellationToken cancellationToken)
        {
            var givenTopic = parseResult.GetValue(topic) is { Length: > 0 } t ? t.Trim() : null;
            var servers = parseResult.GetValue(bootstrap) is { Length: > 0 } given ? given.Trim() : null;
            var info = await EngineInfoLookup.ResolveAsync(engine.Read(parseResult), servers, cancellationToken);
            return new DeadLetterTopic(info.BootstrapServers, givenTopic ?? info.DeadLetterTopic);
        }
    }
}
