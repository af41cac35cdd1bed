using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Domain.Projection;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary>
/// <c>customer find --id ID | --phone NUMBER [--json]</c>: customers' projection rows by id, or
/// by the number they hold (the silo normalises and keys it as the suppression list does; the
/// projection holds only the key). Exit code 4 when nobody matches.
/// </summary>
public static class CustomerFindCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var id = new Option<string?>("--id") { Description = "The customer id" };
        var phone = new Option<string?>("--phone") { Description = "A phone number, international (+33 6 12 34 56 78) or national with Sms:Numbers:DefaultRegion set" };
        var json = CustomersCommand.JsonOption();
        var command = new Command("find", "Find customers by id or by phone number in the customer projection.") { id, phone, json };
        command.Validators.Add(result =>
        {
            var given = new[] { result.GetValue(id), result.GetValue(phone) }.Count(v => v is not null);
            if (given != 1)
            {
                result.AddError("Give exactly one of --id and --phone.");
            }
            else if (result.GetValue(id) is { } text && string.IsNullOrWhiteSpace(text) || result.GetValue(phone) is { } number && string.IsNullOrWhiteSpace(number))
            {
                result.AddError("The value must not be empty.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var answer = parse.GetValue(id) is { } customerId
                ? await ProjectionCall.AskAsync<IReadOnlyList<CustomerSummary>>(
                    "customer find", engine.Read(parse), async grain => await grain.FindByIdAsync(customerId) is { } row ? [row] : [], cancellationToken)
                : await ProjectionCall.AskAsync("customer find", engine.Read(parse), grain => grain.FindByPhoneAsync(parse.GetValue(phone)!), cancellationToken,
                    usageHint: "Write the number with its country code (+...), or set Sms:Numbers:DefaultRegion on the silo.");
            if (!answer.Succeeded)
            {
                return answer.ExitCode;
            }

            var rows = answer.Value!.Select(row => CustomerRow.From(row)).ToList();
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(ReportJson.Serialize(rows));
            }
            else if (rows.Count == 0)
            {
                await Console.Out.WriteLineAsync("No customer found.");
            }
            else
            {
                FleetRenderer.Render(AnsiConsole.Console, "customers found", rows);
            }

            return rows.Count == 0 ? ExitCodes.NotFound : ExitCodes.Success;
        });
        return command;
    }
}
