namespace Engine.Domain.Processing;

/// <summary>
/// A stable 64-bit FNV-1a hash of an event id. string.GetHashCode is randomised per
/// process, so it cannot be persisted; 64 bits keep collisions negligible among the few
/// dozen ids a customer remembers.
/// </summary>
public static class EventIdHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(string eventId)
    {
        var hash = OffsetBasis;
        foreach (var c in eventId)
        {
            // FNV multiplies modulo 2^64 by design.
            hash = unchecked((hash ^ (byte)c) * Prime);
            hash = unchecked((hash ^ (byte)(c >> 8)) * Prime);
        }

        return hash;
    }
}
