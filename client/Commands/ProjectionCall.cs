using Engine.Contracts;

namespace Engine.Client.Commands;

/// <summary>
/// Asks the customer projection's grain (the fleet questions) over a short-lived connection,
/// with the same one-line errors and exit codes as <see cref="CustomerCall"/>.
/// </summary>
public static class ProjectionCall
{
    public static Task<CustomerAnswer<T>> AskAsync<T>(
        string command,
        EngineAddress address,
        Func<ICustomerProjectionGrain, Task<T>> question,
        CancellationToken cancellationToken,
        string? usageHint = null) =>
        // The projection's grain is reached like a customer's: only the grain differs.
        GrainCall.AskAsync(command, address, client => question(client.GetGrain<ICustomerProjectionGrain>(ICustomerProjectionGrain.Key)), cancellationToken, usageHint);
}
