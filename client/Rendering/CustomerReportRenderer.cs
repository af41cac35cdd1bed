using Spectre.Console;
using Spectre.Console.Rendering;
using static Engine.Client.Rendering.DisplayFormat;

namespace Engine.Client.Rendering;

/// <summary>The readable form of a <see cref="CustomerReport"/>: one small table per concern.</summary>
public static class CustomerReportRenderer
{
    private static readonly Style TitleStyle = new(decoration: Decoration.Bold);

    public static void Render(IAnsiConsole console, CustomerReport report)
    {
        console.Write(new Rule($"[bold]customer {Markup.Escape(report.CustomerId)}[/] [grey]as of {Moment(report.AsOf)}[/]").LeftJustified());
        console.Write(Profile(report.Profile));
        console.Write(Value(report.Value));
        console.Write(Engagement(report.Engagement));
        console.Write(Cart(report.Cart));
        console.Write(Processing(report.Processing));
    }

    private static Table Profile(ProfileReport profile) => Section("profile",
        ("first name", Text(profile.FirstName)),
        ("phone", Text(profile.Phone)),
        ("time zone", Text(profile.TimeZone)),
        ("locale", Text(profile.Locale)),
        ("birthday", Date(profile.Birthday)),
        ("sms consent", Name(profile.SmsConsent.Status)),
        ("consent source", Text(profile.SmsConsent.Source)),
        ("consent at", Moment(profile.SmsConsent.At)));

    private static Table Value(ValueReport value) => Section("value",
        ("lifetime spend", Money(value.LifetimeSpend)),
        ("orders", Count(value.Orders)),
        ("average order value", Money(value.AverageOrderValue)),
        ("rolling spend", Money(value.RollingSpend)),
        ("first purchase", Moment(value.FirstPurchaseAt)),
        ("last purchase", Moment(value.LastPurchaseAt)),
        ("recency (days)", value.RecencyDays is { } days ? Count(days) : None),
        ("frequency", Count(value.Frequency)),
        ("purchase days", Count(value.PurchaseDays)));

    private static Table Engagement(EngagementReport engagement) => Section("engagement",
        ("page views", Count(engagement.Clicks.PageViews)),
        ("product views", Count(engagement.Clicks.ProductViews)),
        ("add to cart", Count(engagement.Clicks.AddToCarts)),
        ("remove from cart", Count(engagement.Clicks.RemoveFromCarts)),
        ("checkout started", Count(engagement.Clicks.CheckoutsStarted)),
        ("clicks in all", Count(engagement.Clicks.Total)),
        ("sessions", Count(engagement.Sessions)),
        ("last seen", Moment(engagement.LastSeenAt)),
        ("engagement score", Score(engagement.Score)));

    private static IRenderable Cart(CartReport cart)
    {
        var summary = Section("cart",
            ("checkout started", cart.CheckoutStarted ? $"yes, {Moment(cart.CheckoutStartedAt)}" : "no"),
            ("items", Count(cart.ItemCount)),
            ("cart value", Money(cart.Value)));
        if (cart.Lines.Count == 0)
        {
            summary.AddRow(Plain("lines"), Plain("none"));
            return summary;
        }

        var lines = new Table()
            .Border(TableBorder.Rounded)
            .Title("cart lines", TitleStyle);
        lines.AddColumn(new TableColumn("sku").NoWrap());
        lines.AddColumn("name");
        lines.AddColumn(new TableColumn("qty").RightAligned().NoWrap());
        lines.AddColumn(new TableColumn("unit price").RightAligned().NoWrap());
        lines.AddColumn(new TableColumn("line total").RightAligned().NoWrap());
        foreach (var line in cart.Lines)
        {
            lines.AddRow(Plain(line.Sku), Plain(Text(line.Name)), Plain(Count(line.Quantity)), Plain(Money(line.UnitPrice)), Plain(Money(line.LineTotal)));
        }

        return new Rows(summary, lines);
    }

    private static Table Processing(ProcessingReport processing)
    {
        var table = Section("processing",
            ("events applied", Count(processing.EventsApplied)),
            ("unsaved changes", YesNo(processing.HasUnsavedChanges)));
        if (processing.Watermarks.Count == 0)
        {
            table.AddRow(Plain("watermarks"), Plain(None));
        }

        foreach (var (stream, offset) in processing.Watermarks)
        {
            table.AddRow(Plain($"watermark {stream}"), Plain(Count(offset)));
        }

        return table;
    }

    /// <summary>A titled two-column table of label and value.</summary>
    private static Table Section(string title, params (string Label, string Value)[] rows)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .HideHeaders()
            .Title(title, TitleStyle);
        table.AddColumn(new TableColumn("field").NoWrap());
        table.AddColumn("value");
        foreach (var (label, value) in rows)
        {
            table.AddRow(Plain(label), Plain(value));
        }

        return table;
    }

    // Text, not markup: names and ids come from event producers and may contain '['.
    private static IRenderable Plain(string value) => new Text(value);
}
