using Spectre.Console;
using Spectre.Console.Rendering;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable form of an <see cref="SmsLogReport"/>: the consent, then one row per message.</summary>
public static class SmsLogRenderer
{
    private static readonly Style TitleStyle = new(decoration: Decoration.Bold);

    public static void Render(IAnsiConsole console, SmsLogReport report)
    {
        console.Write(new Rule($"[bold]sms of customer {Markup.Escape(report.CustomerId)}[/] [grey]as of {Moment(report.AsOf)}[/]").LeftJustified());
        var consent = report.Consent;
        console.Write(new Text(consent.At is null
            ? $"sms consent: {Name(consent.Status)}\n"
            : $"sms consent: {Name(consent.Status)} (source {Text(consent.Source)}, {Moment(consent.At)})\n"));

        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"messages, newest first ({Count(report.Open)} open, {Count(report.Messages.Count)} in all)", TitleStyle);
        table.AddColumn("id");
        table.AddColumn("trigger");
        table.AddColumn("status");
        // Four instants side by side do not fit a terminal; stacked, each keeps its label.
        table.AddColumn(new TableColumn("when (UTC)").NoWrap());
        table.AddColumn(new TableColumn("parts").RightAligned());
        table.AddColumn("detail");
        if (report.Messages.Count == 0)
        {
            table.AddRow(Plain("none"), Plain(None), Plain(None), Plain(None), Plain(None), Plain(None));
        }

        foreach (var message in report.Messages)
        {
            table.AddRow(
                Plain(message.Id),
                Plain(Trigger(message)),
                Plain(Status(message)),
                Plain(When(message)),
                Plain(message.Segments is { } segments ? Count(segments) : None),
                Plain(Text(message.Detail)));
        }

        console.Write(table);
    }

    /// <summary>The trigger, with the template a test message shows, or a cart message's cart, step and variant.</summary>
    private static string Trigger(SmsLogEntry message)
    {
        if (message.Template is { } template)
        {
            return $"{message.Trigger} ({template})";
        }

        return message.Step is { } step
            ? $"{message.Trigger}\ncart {Text(message.Cart)}\nstep {step}, variant {Text(message.Variant)}"
            : message.Trigger;
    }

    /// <summary>The outbox status, the latest delivery state, and the transient failures so far.</summary>
    private static string Status(SmsLogEntry message)
    {
        var lines = new List<string> { Name(message.Status) };
        if (message.Delivery is { } delivery)
        {
            lines.Add(Name(delivery));
        }

        if (message.Attempts > 0)
        {
            lines.Add(message.Attempts == 1 ? "1 failed attempt" : $"{Count(message.Attempts)} failed attempts");
        }

        return string.Join('\n', lines);
    }

    /// <summary>Created, then due when it differs (deferred, retried), sent, and when the delivery state was reported.</summary>
    private static string When(SmsLogEntry message)
    {
        var lines = new List<string> { $"created  {Second(message.CreatedAt)}" };
        if (message.DueAt is { } due && due != message.CreatedAt)
        {
            lines.Add($"due      {Second(due)}");
        }

        if (message.SentAt is { } sent)
        {
            lines.Add($"sent     {Second(sent)}");
        }

        if (message.DeliveryAt is { } reported)
        {
            lines.Add($"reported {Second(reported)}");
        }

        return string.Join('\n', lines);
    }

    // Text, not markup: ids and details come from gateways and may contain '['.
    private static IRenderable Plain(string value) => new Text(value);
}
