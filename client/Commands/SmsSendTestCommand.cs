using System.CommandLine;
using Engine.Client.Rendering;
using Engine.Contracts;
using Engine.Domain.Effects;
using Engine.Domain.Sms;

namespace Engine.Client.Commands;

/// <summary>
/// <c>sms send-test CUSTOMER TEMPLATE</c>: queues a test message rendered with a trigger's
/// template and prints its id. It goes through the same policy as any message: it is
/// transactional (no quiet hours, no caps) but never goes to an opted-out customer.
/// </summary>
public static class SmsSendTestCommand
{
    private const string Name = "sms send-test";

    public static Command Create(EngineAddressOptions engine)
    {
        var customerId = CustomerArguments.Id("CUSTOMER");
        var template = new Argument<string>("TEMPLATE")
        {
            Description = $"The trigger whose template the test renders: {ValidTemplates()}",
            HelpName = "TEMPLATE",
        };
        template.CompletionSources.Add([.. SmsTriggers.All.Select(SmsTriggers.Key)]);
        template.Validators.Add(result =>
        {
            var key = result.GetValueOrDefault<string>();
            if (!SmsTriggers.TryParseKey(key, out _))
            {
                result.AddError($"Unknown template '{key}'. {ValidTemplatesHint()}");
            }
        });

        var command = new Command("send-test", "Queue a test SMS to the customer with a trigger's template; prints the message id.")
        {
            customerId,
            template,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            engine.Read(parseResult),
            parseResult.GetRequiredValue(customerId),
            parseResult.GetRequiredValue(template),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EngineAddress address, string customerId, string template, CancellationToken cancellationToken)
    {
        // Validated by the parser already; sent in its canonical spelling ("TIER_UPGRADE" -> "tier_upgrade").
        if (!SmsTriggers.TryParseKey(template, out var trigger))
        {
            await Console.Error.WriteLineAsync($"{Name}: unknown template '{template}'. {ValidTemplatesHint()}");
            return ExitCodes.Usage;
        }

        var answer = await CustomerCall.AskAsync(
            Name,
            address,
            customerId,
            async grain =>
            {
                var id = await grain.SendTestSmsAsync(SmsTriggers.Key(trigger));
                return (Id: id, View: await grain.GetViewAsync());
            },
            cancellationToken,
            usageHint: ValidTemplatesHint());
        if (!answer.Succeeded)
        {
            return answer.ExitCode;
        }

        var (id, view) = answer.Value;
        await Console.Out.WriteLineAsync(id);
        return await CheckQueuedAsync(customerId, id, view);
    }

    /// <summary>
    /// The grain decides a due message straight away: say so when this one will not go out
    /// (opted out, no valid phone), or when it was not kept at all.
    /// </summary>
    private static async Task<int> CheckQueuedAsync(string customerId, string id, CustomerView view)
    {
        if (view.State.Outbox.Find(id) is not { } message)
        {
            await Console.Error.WriteLineAsync($"{Name}: {id} is not in the customer's outbox; it was not kept (see the silo's log)");
            return ExitCodes.Failed;
        }

        if (message.Status is OutboxStatus.Suppressed or OutboxStatus.Cancelled or OutboxStatus.Failed)
        {
            var status = DisplayFormat.Name(message.Status);
            await Console.Error.WriteLineAsync(message.Detail is { } detail
                ? $"{Name}: not sent: {status} ({detail}); see sms log {customerId}"
                : $"{Name}: not sent: {status}; see sms log {customerId}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Success;
    }

    private static string ValidTemplates() => string.Join(", ", SmsTriggers.All.Select(SmsTriggers.Key));

    private static string ValidTemplatesHint() => $"Valid templates: {ValidTemplates()}.";
}
