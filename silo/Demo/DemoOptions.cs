namespace Engine.Silo.Demo;

/// <summary>The demo stream started by <c>--demo</c>. Bound from "Demo".</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }
    public int Customers { get; set; } = 25;
    public double EventsPerSecond { get; set; } = 20;
    public int Seed { get; set; } = 7;
}
