using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Contracts;
using Engine.Domain.Projection;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>customers top --by clv|spend|points [--limit N] [--json]</c> and <c>customers count [--tier T]
/// [--segment S] [--consent C] [--json]</c>: questions about many customers, from the projection.
/// </summary>
public static class CustomersCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var customers = new Command("customers", "Questions about many customers, answered from the customer projection (rows as of each customer's last write).");
        customers.Add(Top(engine));
        customers.Add(Count(engine));
        return customers;
    }

    private static Command Top(EngineAddressOptions engine)
    {
        var by = new Option<string>("--by")
        {
            Description = "What to rank by: clv (predicted lifetime value), spend (lifetime spend) or points (balance)",
            Required = true,
        };
        by.AcceptOnlyFromAmong("clv", "spend", "points");
        var limit = new Option<int>("--limit") { Description = $"How many customers, 1 to {ProjectionLimits.MaxTop}", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > ProjectionLimits.MaxTop)
            {
                result.AddError($"--limit must be between 1 and {ProjectionLimits.MaxTop}");
            }
        });
        var json = JsonOption();
        var command = new Command("top", "The customers highest by predicted lifetime value, lifetime spend or points balance.") { by, limit, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rank = Enum.Parse<RankBy>(parse.GetRequiredValue(by), ignoreCase: true);
            var answer = await ProjectionCall.AskAsync("customers top", engine.Read(parse), grain => grain.GetTopAsync(rank, parse.GetValue(limit)), cancellationToken);
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            var report = new TopReport(parse.GetRequiredValue(by), parse.GetValue(limit), [.. answer.Value!.Select((row, i) => CustomerRow.From(row, i + 1))]);
            await ReportOutput.WriteAsync(report, parse.GetValue(json), (console, shown) => FleetRenderer.Render(console, $"top {shown.Limit} customers by {shown.By}", shown.Customers));

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Count(EngineAddressOptions engine)
    {
        var tier = new Option<string?>("--tier") { Description = "Only customers in this tier (e.g. gold)" };
        var segment = new Option<string?>("--segment") { Description = "Only customers in this segment (see 'segments')" };
        var consent = new Option<string?>("--consent") { Description = "Only customers with this marketing consent: opted_in, opted_out or unknown" };
        consent.AcceptOnlyFromAmong([.. ConsentValues.All]);
        var json = JsonOption();
        var command = new Command("count", "How many customers match every filter given: a campaign audience's size.") { tier, segment, consent, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var filter = new AudienceFilter(parse.GetValue(tier), parse.GetValue(segment), parse.GetValue(consent));
            var answer = await ProjectionCall.AskAsync("customers count", engine.Read(parse), grain => grain.CountAudienceAsync(filter), cancellationToken,
                usageHint: $"Consent is one of {string.Join(", ", ConsentValues.All)}.");
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            var report = new AudienceReport(filter.Tier, filter.Segment, filter.Consent, answer.Value);
            await ReportOutput.WriteAsync(report, parse.GetValue(json), FleetRenderer.Render);

            return ExitCodes.Success;
        });
        return command;
    }

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table" };
}
