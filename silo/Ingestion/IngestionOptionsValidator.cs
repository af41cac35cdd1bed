using Engine.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Ingestion;

/// <summary>
/// Every <see cref="IngestionOptions"/> count and duration must be positive: a zero
/// <c>MaxEventsPerCall</c> splits a customer's events forever, a zero <c>FlushConcurrency</c>
/// throws inside the checkpoint and stops the ingestion.
/// </summary>
public sealed class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options) =>
        new SectionProblems(IngestionOptions.SectionName)
            .Positive(nameof(options.MaxBatchEvents), options.MaxBatchEvents)
            .Positive(nameof(options.MaxBatchWait), options.MaxBatchWait)
            .Positive(nameof(options.MaxEventsPerCall), options.MaxEventsPerCall)
            .Positive(nameof(options.CheckpointInterval), options.CheckpointInterval)
            // Zero is legal: the final checkpoint writes nobody and leaves it all to re-delivery.
            .NotNegative(nameof(options.FinalCheckpointTimeout), options.FinalCheckpointTimeout)
            .Positive(nameof(options.FlushConcurrency), options.FlushConcurrency)
            .Positive(nameof(options.MaxEventBytes), options.MaxEventBytes)
            .Positive(nameof(options.InitialRetryDelay), options.InitialRetryDelay)
            .Positive("Bounds:MaxAmount", options.Bounds.MaxAmount)
            .Positive("Bounds:MaxUnitPrice", options.Bounds.MaxUnitPrice)
            .Positive("Bounds:MaxQuantity", options.Bounds.MaxQuantity)
            .Positive("Bounds:MaxLinesPerOrder", options.Bounds.MaxLinesPerOrder)
            .Positive(nameof(options.MaxApplyAttempts), options.MaxApplyAttempts)
            .Positive(nameof(options.ApplyRetryDelay), options.ApplyRetryDelay)
            // Zero is legal: the broker-side lag is then not watched.
            .NotNegative(nameof(options.GroupLagInterval), options.GroupLagInterval)
            .AtLeast(nameof(options.MaxRetryDelay), options.MaxRetryDelay, nameof(options.InitialRetryDelay), options.InitialRetryDelay)
            .Result();
}
