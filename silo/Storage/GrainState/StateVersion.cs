using System.Globalization;
using Orleans.Storage;

namespace Engine.Silo.Storage.GrainState;

/// <summary>The version contract both grain state providers keep: the ETag is the row's version number.</summary>
internal static class StateVersion
{
    public static string ETagOf(int version) => version.ToString(CultureInfo.InvariantCulture);

    public static int? VersionOf(string? etag) => etag is null ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    // The grain's key is not in the message: it may be personal data (phone directory entries).
    public static InconsistentStateException Conflict(GrainId grainId, string stateName, string? etag) =>
        new($"Version conflict writing {grainId.Type}/{stateName}: another activation wrote since version {etag ?? "none"} was read.", etag ?? "none", "unknown");
}
