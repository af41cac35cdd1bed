namespace Engine.Client;

/// <summary>The cluster could not be reached or stopped answering; the message is meant for the operator.</summary>
public sealed class EngineUnreachableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
