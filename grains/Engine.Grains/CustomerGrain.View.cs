using Engine.Contracts;
using Engine.Domain.Loyalty;
using Engine.Domain.Segments;

namespace Engine.Grains;

/// <summary>The customer as <c>customer show</c> reads it: the state and what is computed from it now.</summary>
public sealed partial class CustomerGrain
{
    public Task<CustomerView> GetViewAsync()
    {
        var now = time.GetUtcNow();
        var state = State;
        var engagement = state.Engagement.ScoreAt(now, _rules.Engagement);
        // Computed when asked, from the totals and the model in memory: O(1), and current however long since the last event.
        var forecastNow = segments.Forecast(state, now);
        var memberships = segments.Evaluate(segments.Facts(state, now, engagement, forecastNow))
            .Select(m => new SegmentMembership(m.Key, m.Value))
            .ToList();
        // A copy: the response is serialized after this turn, while later turns (a publication's
        // answer, a batch) may already be changing the live state's lists.
        return Task.FromResult(new CustomerView(
            copier.Copy(state),
            now,
            state.Value.RollingSpend(now, _rules.RollingWindowDays),
            state.Value.RecencyDays(now),
            engagement,
            Unsaved.Any,
            TierProgress.For(state, now, _rules),
            forecastNow,
            memberships,
            segments.Ranks is { } ranks ? CustomerSegmentFacts.Rfm(state, now, ranks) : null,
            segments.Ranks is { } population && forecastNow is not null ? population.ClvPercentile((double)forecastNow.PredictedLifetimeValue) : null));
    }
}
