namespace Engine.Silo.Ingestion;

/// <summary>Durations in <see cref="TimeProvider.GetTimestamp"/> units, for due times the ingestion keeps as timestamps.</summary>
internal static class Timestamps
{
    public static long TicksOf(this TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
