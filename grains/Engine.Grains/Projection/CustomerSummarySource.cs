using Engine.Domain.Customers;
using Engine.Domain.Projection;
using Engine.Domain.Value.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engine.Grains.Projection;

/// <summary>
/// Gives a customer state being written its projection row (<see cref="CustomerSummaries"/>),
/// with the silo's rules, value model and number key, as of the engine's clock.
/// </summary>
public sealed class CustomerSummarySource(
    IOptions<CustomerRules> rules,
    CurrentValueModel valueModel,
    IOptions<ValueForecastOptions> forecast,
    NumberKeys numberKeys,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time)
{
    public CustomerSummary Of(CustomerState state, int version) =>
        CustomerSummaries.Of(
            state,
            version,
            time.GetUtcNow(),
            rules.Value,
            valueModel.Model,
            forecast.Value,
            state.Profile.Phone is { } phone ? numberKeys.KeyOf(phone) : null);
}
