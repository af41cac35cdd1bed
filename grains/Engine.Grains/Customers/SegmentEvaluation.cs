using Engine.Domain.Customers;
using Engine.Domain.Segments;
using Engine.Domain.Sms;
using Engine.Domain.Value.Model;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Customers;

/// <summary>
/// One customer activation's segment evaluation: its facts (with the forecast from the model
/// this silo holds), the membership changes recorded as the state is written or as time
/// passes, and when time alone could change them next. Events only mark the evaluation due:
/// the memberships at the write are what becomes durable, so evaluating once per write instead
/// of once per batch decides the same changes for a fraction of the work. The forecast is kept
/// while the purchase summary (whole days) and the model version stay the same.
/// </summary>
public sealed class SegmentEvaluation(
    SegmentRules rules,
    IOptions<SegmentOptions> options,
    CurrentValueModel valueModel,
    IOptions<ValueForecastOptions> forecastOptions,
    IOptions<CustomerRules> customerRules,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time)
{
    private (PurchaseSummary Summary, ValueModel Model, ValueForecast Forecast)? _forecast;

    // Events changed the customer since the last evaluation; historical while each of them was a backfill.
    private bool _due;
    private bool _historical;
    private string? _countryOf;
    private string? _country;

    /// <summary>The customer's forecast now, from the silo's model (null: no model, or no purchase).</summary>
    public ValueForecast? Forecast(CustomerState state, DateTimeOffset now)
    {
        if (valueModel.Model is not { } model || state.Value.SummaryAt(now) is not { } summary)
        {
            return null;
        }

        if (_forecast is { } kept && kept.Summary == summary && ReferenceEquals(kept.Model, model))
        {
            return kept.Forecast;
        }

        var forecast = ValueForecasting.Forecast(model, summary, forecastOptions.Value);
        _forecast = (summary, model, forecast);
        return forecast;
    }

    /// <summary>The population ranks published with the silo's model (null: no model, or one fitted before ranks).</summary>
    public PopulationRanks? Ranks => valueModel.Model?.Population;

    /// <summary>The facts the rules read, now, given the engagement score and forecast already computed.</summary>
    public SegmentFacts Facts(CustomerState state, DateTimeOffset now, double engagementScore, ValueForecast? forecast) =>
        CustomerSegmentFacts.From(state, now, engagementScore, forecast, Ranks, Country(state));

    /// <summary>The country code of the customer's claimed number, parsed once per number this activation sees.</summary>
    private string? Country(CustomerState state)
    {
        var number = state.ClaimedNumber;
        if (!string.Equals(number, _countryOf, StringComparison.Ordinal))
        {
            _countryOf = number;
            _country = NumberNormalisation.CountryOf(number);
        }

        return _country;
    }

    /// <summary>The segments the customer is in now, each with why (for a read; nothing is recorded).</summary>
    public IReadOnlyDictionary<string, string> Evaluate(SegmentFacts facts) => rules.Evaluate(facts);

    /// <summary>
    /// Applied events changed the customer: its segments are evaluated at the next write (or
    /// wake-up). A replay or redelivery of applied events changes nothing, so marks nothing.
    /// </summary>
    /// <param name="backfill">Every one of the events was a backfill: changes they decide are historical.</param>
    public void EventsApplied(bool backfill)
    {
        _historical = _due ? _historical && backfill : backfill;
        _due = true;
    }

    /// <summary>Evaluates, if events changed the customer since the last evaluation, and records; returns how many changes. Right before a write.</summary>
    public int RecordDue(CustomerState state) => _due ? RecordNow(state) : 0;

    /// <summary>Evaluates now (time moved the facts) and records; historical only if due from backfill events alone.</summary>
    public int RecordNow(CustomerState state)
    {
        var historical = _due && _historical;
        _due = false;
        return Record(state, time.GetUtcNow(), historical);
    }

    /// <summary>The unsaved state was dropped: its events are re-delivered and mark the evaluation due again.</summary>
    public void Forget() => _due = false;

    /// <summary>Evaluates and records the membership changes in the outbox; returns how many.</summary>
    public int Record(CustomerState state, DateTimeOffset now, bool historical)
    {
        var forecast = Forecast(state, now);
        var facts = Facts(state, now, state.Engagement.ScoreAt(now, customerRules.Value.Engagement), forecast);
        return SegmentMembershipChanges.Record(state, rules, facts, now, forecast?.ModelVersion ?? valueModel.Model?.Version, historical);
    }

    /// <summary>
    /// When the customer's segments are due another look as time passes (P(alive) decays,
    /// recency grows): <see cref="SegmentOptions.ReevaluateEvery"/> after the last evaluation,
    /// now if never evaluated; null for a customer who never bought nor showed up, whose facts
    /// time does not move, and when no segment is defined.
    /// </summary>
    public DateTimeOffset? NextCheck(CustomerState state, DateTimeOffset now)
    {
        if ((rules.All.Count == 0 && state.Segments.Current.Count == 0)
            || (state.Value.FirstPurchaseAt is null && state.Engagement.LastSeenAt is null && state.Segments.Current.Count == 0))
        {
            return null;
        }

        return state.Segments.EvaluatedAt is { } at ? at + options.Value.ReevaluateEvery : now;
    }
}
