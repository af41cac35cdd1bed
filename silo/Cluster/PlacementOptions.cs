namespace Engine.Silo.Cluster;

/// <summary>Where customers live in a cluster. Bound from "Cluster:Placement".</summary>
public sealed class PlacementOptions
{
    public const string SectionName = "Cluster:Placement";

    /// <summary>
    /// A customer grain given a batch by a consumer on another silo (its partition moved in a
    /// rebalance, or something else activated it first) deactivates after the batch, writing
    /// what it holds, so the consumer's next batch activates it on the consumer's silo. Needs
    /// each customer's events in one partition number across the inbound topics (same key, same
    /// partition count, Kafka's default range assignor); otherwise a customer would bounce.
    /// </summary>
    public bool MoveToConsumer { get; set; } = true;
}
