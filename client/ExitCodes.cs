namespace Engine.Client;

/// <summary>Process exit codes, so scripts can tell a bad invocation from a failed run.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran but did not fully succeed (a line skipped, a delivery failed).</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments or unreadable input.</summary>
    public const int Usage = 2;

    /// <summary>The cluster's gateway could not be reached.</summary>
    public const int EngineUnreachable = 3;

    /// <summary>What was looked for is not there (<c>customer find</c> matched nobody).</summary>
    public const int NotFound = 4;
}
