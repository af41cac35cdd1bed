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
        console.Write(Forecast(report.Forecast));
        console.Write(Segments(report.Segments ?? []));
        console.Write(Engagement(report.Engagement));
        console.Write(Cart(report.Cart));
        console.Write(Loyalty(report.Loyalty));
        console.Write(Lots(report.Loyalty.Lots));
        console.Write(Messages(report.CustomerId, report.Messages));
        console.Write(Processing(report.Processing));
    }

    private static Table Forecast(ForecastReport? forecast) => forecast is null
        ? Section("value model", ("forecast", "none yet: no model fitted (engine-admin model fit) or no purchase"))
        : Section("value model",
            ("P(alive)", forecast.ProbabilityAlive.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)),
            ("expected purchases (horizon)", forecast.ExpectedPurchases.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)),
            ("expected value per purchase", Money(forecast.ExpectedValuePerPurchase)),
            ("predicted lifetime value", Money(forecast.PredictedLifetimeValue)),
            ("CLV percentile", forecast.ClvPercentile is { } p ? Count(p) : "unknown (a model fitted before population ranks)"),
            ("RFM score (group)", forecast.Rfm is { } rfm ? $"{rfm} ({forecast.RfmGroup})" : "unknown (a model fitted before population ranks)"),
            ("model version", Count(forecast.ModelVersion)));

    private static Table Segments(IReadOnlyList<SegmentReport> segments) => segments.Count == 0
        ? Section("segments", ("none", "-"))
        : Section("segments", [.. segments.Select(s => (s.Segment, s.Why))]);

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

    private static Table Loyalty(LoyaltyReport loyalty) => Section("loyalty",
        ("tier", Text(loyalty.Tier)),
        ("since", Moment(loyalty.TierSince)),
        ("re-qualify at", Moment(loyalty.RequalifyAt)),
        ("downgrade due", Moment(loyalty.DowngradeDueAt)),
        ("progress", loyalty.Progress?.Summary ?? None),
        ("balance", Count(loyalty.Balance)),
        ("available now", Count(loyalty.Available)),
        ("earned", Count(loyalty.Totals.Earned)),
        ("redeemed", Count(loyalty.Totals.Redeemed)),
        ("expired", Count(loyalty.Totals.Expired)),
        ("refunded", Count(loyalty.Totals.Refunded)),
        ("adjusted in", Count(loyalty.Totals.AdjustedIn)),
        ("adjusted out", Count(loyalty.Totals.AdjustedOut)),
        ("shortfall", Count(loyalty.Totals.Shortfall)),
        ("last activity", Moment(loyalty.LastActivityAt)));

    private static Table Lots(IReadOnlyList<PointsLotReport> lots)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title("points lots (times UTC)", TitleStyle);
        table.AddColumn("lot");
        table.AddColumn("source");
        table.AddColumn("status");
        table.AddColumn(new TableColumn("earned").RightAligned());
        table.AddColumn(new TableColumn("remaining").RightAligned());
        table.AddColumn("earned at");
        table.AddColumn("expires at");
        if (lots.Count == 0)
        {
            table.AddRow(Plain("none"), Plain(None), Plain(None), Plain(None), Plain(None), Plain(None), Plain(None));
        }

        foreach (var lot in lots)
        {
            table.AddRow(
                Plain(lot.LotId),
                Plain(Name(lot.Source)),
                Plain(Name(lot.Status)),
                Plain(Count(lot.Earned)),
                Plain(Count(lot.Remaining)),
                Plain(Minute(lot.EarnedAt)),
                Plain(Minute(lot.ExpiresAt)));
        }

        return table;
    }

    private static Table Messages(string customerId, MessagesReport messages)
    {
        var shown = messages.Items.Count < messages.Total ? $", {Count(messages.Items.Count)} shown" : "";
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"messages ({Count(messages.Open)} open, {Count(messages.Total)} in all{shown}; times UTC)", TitleStyle);
        table.AddColumn("id");
        table.AddColumn("kind");
        table.AddColumn("subject");
        table.AddColumn("status");
        table.AddColumn("created");
        table.AddColumn("due");
        table.AddColumn("completed");
        table.AddColumn("detail");
        if (messages.Items.Count == 0)
        {
            table.AddRow(Plain("none"), Plain(None), Plain(None), Plain(None), Plain(None), Plain(None), Plain(None), Plain(None));
        }

        // Every id starts with the customer id, which the rule above already shows.
        var prefix = customerId + ":";
        foreach (var message in messages.Items)
        {
            table.AddRow(
                Plain(message.Id.StartsWith(prefix, StringComparison.Ordinal) ? message.Id[prefix.Length..] : message.Id),
                Plain(Name(message.Kind)),
                Plain(Subject(message)),
                Plain(Name(message.Status)),
                Plain(Minute(message.CreatedAt)),
                Plain(Minute(message.DueAt)),
                Plain(Minute(message.CompletedAt)),
                Plain(Text(message.Detail)));
        }

        return table;
    }

    /// <summary>What a message is about: its SMS trigger, or the tier change "Silver -> Gold (rolling_spend)".</summary>
    private static string Subject(MessageReport message) =>
        message.Trigger ?? (message.ToTier is { } to ? $"{Text(message.FromTier)} -> {to}{(message.Reason is { } reason ? $" ({reason})" : "")}" : None);

    private static Table Processing(ProcessingReport processing)
    {
        var table = Section("processing",
            ("events applied", Count(processing.EventsApplied)),
            ("unsaved changes", YesNo(processing.HasUnsavedChanges)),
            ("next wake-up", Moment(processing.WakeUpAt)));
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
