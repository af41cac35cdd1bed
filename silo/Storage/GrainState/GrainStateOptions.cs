namespace Engine.Silo.Storage.GrainState;

/// <summary>How grain state writes are grouped into transactions ("Storage:GrainState").</summary>
public sealed class GrainStateOptions
{
    public const string SectionName = "Storage:GrainState";

    /// <summary>The most writes one transaction takes; more wait for the next.</summary>
    public int MaxBatchRows { get; set; } = 256;

    /// <summary>Transactions in flight at once (each on its own connection).</summary>
    public int Writers { get; set; } = 4;

    /// <summary>Throws naming the key when a value cannot work.</summary>
    public void Validate()
    {
        var result = new Hosting.SectionProblems(SectionName)
            .Positive(nameof(MaxBatchRows), MaxBatchRows)
            .Positive(nameof(Writers), Writers)
            .Result();
        if (result.Failed)
        {
            throw new InvalidOperationException(result.FailureMessage);
        }
    }
}
