using Engine.Domain.Customers;
using Engine.Domain.Effects;
using Engine.Domain.Events;
using Engine.Domain.Segments;
using Engine.Domain.Value.Model;

namespace Engine.Domain.Projection;

/// <summary>
/// Computes a customer's projection row from the state being written, the same way the
/// customer's view computes its figures (engagement, forecast), so the projection and
/// <c>customer show</c> agree as of the same moment. Its segments are the memberships the state
/// holds, those published to <c>engagement.segment-changes</c> (evaluated right before each
/// write that follows events, and as time passes): the projection keeps what the topic says,
/// and the write does not evaluate the rules a second time. Pure: same inputs, same row.
/// </summary>
public static class CustomerSummaries
{
    /// <param name="state">The state as it is being stored.</param>
    /// <param name="version">The storage version the write gives it.</param>
    /// <param name="asOf">The write's time: clock-dependent figures are as of then.</param>
    /// <param name="rules">The customer rules (engagement decay, rolling window).</param>
    /// <param name="model">The value model in use; null before one is fitted (no forecast).</param>
    /// <param name="forecastOptions">The forecast's horizon and discounting.</param>
    /// <param name="numberKey">The suppression-list key of the customer's number, computed by the caller (it holds the secret).</param>
    public static CustomerSummary Of(
        CustomerState state,
        int version,
        DateTimeOffset asOf,
        CustomerRules rules,
        ValueModel? model,
        ValueForecastOptions forecastOptions,
        string? numberKey)
    {
        var value = state.Value;
        var engagement = state.Engagement.ScoreAt(asOf, rules.Engagement);
        var summary = value.SummaryAt(asOf);
        var forecast = model is not null && summary is { } s ? ValueForecasting.Forecast(model, s, forecastOptions) : null;
        return new CustomerSummary
        {
            CustomerId = state.CustomerId,
            Version = version,
            AsOf = asOf,
            Tier = state.Loyalty.Tier?.ToLowerInvariant(),
            PointsBalance = state.Loyalty.Balance,
            LifetimeSpend = value.LifetimeSpend,
            RollingSpend = value.RollingSpend(asOf, rules.RollingWindowDays),
            Orders = value.Orders,
            FirstPurchaseAt = value.FirstPurchaseAt,
            LastPurchaseAt = value.LastPurchaseAt,
            LastActivityAt = Latest(state.Engagement.LastSeenAt, value.LastPurchaseAt),
            Frequency = value.Frequency,
            MeanRepeatValue = summary?.MeanRepeatValue ?? 0,
            EngagementScore = engagement,
            PredictedLifetimeValue = forecast?.PredictedLifetimeValue,
            ProbabilityAlive = forecast?.ProbabilityAlive,
            ModelVersion = forecast?.ModelVersion,
            Segments = [.. state.Segments.Current],
            Consent = ConsentOf(state),
            NumberKey = numberKey,
        };
    }

    /// <summary>Opted out when the profile says so or the number the customer holds said STOP, as the SMS policy decides.</summary>
    public static string ConsentOf(CustomerState state) =>
        SmsPlanning.IsNumberSuppressed(state) ? ConsentValues.OptedOut
        : state.Profile.SmsConsent?.Status switch
        {
            ConsentStatus.OptedIn => ConsentValues.OptedIn,
            ConsentStatus.OptedOut => ConsentValues.OptedOut,
            _ => ConsentValues.Unknown,
        };

    /// <summary>
    /// The value model's purchase summary of a row in days, observed until <paramref name="end"/>
    /// (the fit's calibration end), or null when the customer first bought after it. The row
    /// keeps first and last purchase and the repeat days, so T is measured to any end.
    /// </summary>
    public static PurchaseSummary? PurchaseSummaryAt(CustomerSummary row, DateTimeOffset end)
    {
        if (row.FirstPurchaseAt is not { } first || row.LastPurchaseAt is not { } last || first > end)
        {
            return null;
        }

        var firstDay = Value.CustomerValue.DayNumber(first);
        var lastDay = Value.CustomerValue.DayNumber(last);
        var age = Math.Max(lastDay, Value.CustomerValue.DayNumber(end)) - firstDay;
        return new PurchaseSummary(row.Frequency, row.Frequency == 0 ? 0 : lastDay - firstDay, age, row.MeanRepeatValue);
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is not { } y || x >= y) ? a : b;
}
