namespace Engine.Silo.Value;

/// <summary>How the silo follows the published value model (section <see cref="SectionName"/>).</summary>
public sealed class ValueModelOptions
{
    public const string SectionName = "ValueModel";

    /// <summary>How often the silo reads the published model: a new fit reaches every silo within this.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
