using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Contracts;
using Spectre.Console;

namespace Engine.Client.Commands;

/// <summary><c>customer show ID [--json]</c>: what the customer's grain holds right now.</summary>
public static class CustomerShowCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var customerId = new Argument<string>("ID") { Description = "The customer id (the customer grain's key)" };
        customerId.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("The customer id must not be empty.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print JSON (phone masked) instead of tables" };

        var command = new Command("show", "Show a customer's profile, value, engagement, cart, points and tier, messages and processing state.")
        {
            customerId,
            json,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            engine.Read(parseResult),
            parseResult.GetRequiredValue(customerId),
            parseResult.GetValue(json),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EngineAddress address, string customerId, bool asJson, CancellationToken cancellationToken)
    {
        CustomerView view;
        try
        {
            view = await ClusterConnection.AskAsync(
                address,
                client => client.GetGrain<ICustomerGrain>(customerId).GetViewAsync(),
                cancellationToken);
        }
        catch (EngineUnreachableException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.EngineUnreachable;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failure inside the grain (its storage, say): the message is enough for an operator.
            await Console.Error.WriteLineAsync($"customer show failed: {e.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.Failed;
        }

        var report = CustomerReport.From(customerId, view);
        if (asJson)
        {
            await Console.Out.WriteLineAsync(CustomerReportJson.Serialize(report));
        }
        else
        {
            CustomerReportRenderer.Render(AnsiConsole.Console, report);
        }

        return ExitCodes.Success;
    }
}
