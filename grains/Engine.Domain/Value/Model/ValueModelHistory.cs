namespace Engine.Domain.Value.Model;

/// <summary>
/// The fitted models, newest last: publishing gives a candidate the next version number, so
/// every silo and every forecast can say which fit it used, and the last few stay for
/// comparison (<c>model show</c>) and to go back to.
/// </summary>
[GenerateSerializer, Alias("engine.ValueModelHistory")]
public sealed class ValueModelHistory
{
    public const int Kept = 10;

    [Id(0)] public List<ValueModel> Versions { get; set; } = [];

    public ValueModel? Current => Versions.Count == 0 ? null : Versions[^1];

    /// <summary>Adds the candidate as the next version (refused with the reasons when unusable) and returns it.</summary>
    public ValueModel Publish(ValueModel candidate)
    {
        var problems = candidate.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("the model cannot be used: " + string.Join("; ", problems), nameof(candidate));
        }

        var published = candidate with { Version = (Current?.Version ?? 0) + 1 };
        Versions.Add(published);
        if (Versions.Count > Kept)
        {
            Versions.RemoveRange(0, Versions.Count - Kept);
        }

        return published;
    }
}
