using System.CommandLine;
using Engine.Contracts;
using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Commands;

/// <summary>
/// <c>optout CUSTOMER [--source S]</c> and <c>optin CUSTOMER [--source S]</c>: record the
/// customer's marketing SMS consent as an admin decision. Opting out cancels pending
/// marketing messages; transactional ones (keyword replies) are left to the policy.
/// </summary>
public static class SmsConsentCommand
{
    public const string DefaultSource = "admin";

    public static Command OptOut(EngineAddressOptions engine) =>
        Create(engine, "optout", optedIn: false, "Record that the customer opted out of marketing SMS; pending marketing messages are cancelled. Prints the new consent.");

    public static Command OptIn(EngineAddressOptions engine) =>
        Create(engine, "optin", optedIn: true, "Record that the customer opted in to marketing SMS. Prints the new consent.");

    private static Command Create(EngineAddressOptions engine, string name, bool optedIn, string description)
    {
        var customerId = CustomerArguments.Id("CUSTOMER");
        var source = new Option<string>("--source")
        {
            Description = "Where the decision came from, recorded with the consent",
            HelpName = "SOURCE",
            DefaultValueFactory = _ => DefaultSource,
        };
        source.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--source must not be empty.");
            }
        });

        var command = new Command(name, description) { customerId, source };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            name,
            engine.Read(parseResult),
            parseResult.GetRequiredValue(customerId),
            optedIn,
            parseResult.GetRequiredValue(source).Trim(),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string name, EngineAddress address, string customerId, bool optedIn, string source, CancellationToken cancellationToken)
    {
        var answer = await CustomerCall.AskAsync(
            name,
            address,
            customerId,
            async grain =>
            {
                var before = await grain.GetViewAsync();
                await grain.SetSmsConsentAsync(optedIn, source);
                return (Before: before, After: await grain.GetViewAsync());
            },
            cancellationToken);
        if (!answer.Succeeded)
        {
            return answer.ExitCode;
        }

        var (before, after) = answer.Value;
        var wanted = optedIn ? ConsentStatus.OptedIn : ConsentStatus.OptedOut;
        var previous = before.State.Profile.SmsConsent?.Status ?? ConsentStatus.Unknown;
        var consent = after.State.Profile.SmsConsent;
        if (consent is null || consent.Status != wanted || consent.Source != source)
        {
            // The grain keeps a change it could not write only in memory, and drops it if another activation wrote first.
            await Console.Error.WriteLineAsync($"{name}: the consent was not kept; it is {Name(consent?.Status ?? ConsentStatus.Unknown)} (see the silo's log)");
            return ExitCodes.Failed;
        }

        var line = $"sms consent: {Name(consent.Status)} (was {Name(previous)}; source {consent.Source}, {Moment(consent.At)})";
        var cancelled = CancelledBy(before.State, after.State);
        if (cancelled > 0)
        {
            line += $"; {Count(cancelled)} pending marketing message{(cancelled == 1 ? "" : "s")} cancelled";
        }

        await Console.Out.WriteLineAsync(line);
        return ExitCodes.Success;
    }

    /// <summary>SMS that were open before the change and are cancelled after it.</summary>
    private static int CancelledBy(CustomerState before, CustomerState after)
    {
        var open = before.Outbox.Open(OutboxKind.Sms).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        return after.Outbox.Messages.Count(m => open.Contains(m.Id) && m.Status == OutboxStatus.Cancelled);
    }
}
