namespace Engine.Contracts;

/// <summary>Names of the Orleans storage providers the grains use.</summary>
public static class StorageNames
{
    /// <summary>Grain storage holding each customer's state.</summary>
    public const string Customers = "customers";
}
