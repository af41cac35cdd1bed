namespace Engine.Silo.Storage.Projection;

/// <summary>Which stored grain states are customers' (the projection's source): grain type and state name.</summary>
internal static class CustomerStateRows
{
    /// <summary>Orleans' name of <c>CustomerGrain</c>'s type.</summary>
    public const string GrainType = "customer";

    /// <summary>The name in <c>[PersistentState("customer", ...)]</c>.</summary>
    public const string StateName = "customer";

    public static bool Holds(string grainType, string stateName) =>
        string.Equals(grainType, GrainType, StringComparison.Ordinal) && string.Equals(stateName, StateName, StringComparison.Ordinal);
}
