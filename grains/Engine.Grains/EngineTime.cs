namespace Engine.Grains;

/// <summary>
/// The clock the engine's rules run on, registered as a keyed <see cref="TimeProvider"/>.
/// Orleans resolves the unkeyed TimeProvider for its own timers, so tests can put a fake
/// clock here without stalling the runtime.
/// </summary>
public static class EngineTime
{
    public const string Key = "engine";
}
