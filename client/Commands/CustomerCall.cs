using System.Text.RegularExpressions;
using Engine.Contracts;

namespace Engine.Client.Commands;

/// <summary>
/// What a question to a customer grain came back with: the answer, or the exit code of a
/// failure that has already been reported on standard error.
/// </summary>
public readonly record struct CustomerAnswer<T>(T? Value, int ExitCode)
{
    public bool Succeeded => ExitCode == ExitCodes.Success;
}

/// <summary>
/// Asks one customer's grain a question over a short-lived connection and turns failures into
/// one line on standard error and an exit code, the same way for every command.
/// </summary>
public static class CustomerCall
{
    /// <summary>
    /// Runs <paramref name="question"/> against the grain of <paramref name="customerId"/>. Messages
    /// start with <paramref name="command"/> ("sms log"). With a <paramref name="usageHint"/> (e.g.
    /// the valid values), an <see cref="ArgumentException"/> from the grain is a usage error and the
    /// hint follows the grain's words; without one it is a failure like any other.
    /// </summary>
    public static Task<CustomerAnswer<T>> AskAsync<T>(
        string command,
        EngineAddress address,
        string customerId,
        Func<ICustomerGrain, Task<T>> question,
        CancellationToken cancellationToken,
        string? usageHint = null) =>
        GrainCall.AskAsync(command, address, client => question(client.GetGrain<ICustomerGrain>(customerId)), cancellationToken, usageHint);
}

/// <summary>Any grain question with the failures turned into one line on standard error and an exit code.</summary>
public static partial class GrainCall
{
    /// <summary>As <see cref="CustomerCall.AskAsync{T}"/>, for a question to any grain of the cluster.</summary>
    public static async Task<CustomerAnswer<T>> AskAsync<T>(
        string command,
        EngineAddress address,
        Func<IClusterClient, Task<T>> question,
        CancellationToken cancellationToken,
        string? usageHint = null)
    {
        try
        {
            var value = await ClusterConnection.AskAsync(address, question, cancellationToken);
            return new CustomerAnswer<T>(value, ExitCodes.Success);
        }
        catch (EngineUnreachableException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return new CustomerAnswer<T>(default, ExitCodes.EngineUnreachable);
        }
        catch (ArgumentException e) when (usageHint is not null)
        {
            // The grain refused an argument the client let through: still the caller's mistake.
            await Console.Error.WriteLineAsync($"{command}: {ArgumentMessage(e)}. {usageHint}");
            return new CustomerAnswer<T>(default, ExitCodes.Usage);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failure inside the grain (its storage, say): the message is enough for an operator.
            await Console.Error.WriteLineAsync($"{command} failed: {OneLine(e.Message)}");
            return new CustomerAnswer<T>(default, ExitCodes.Failed);
        }
    }

    // ArgumentException appends " (Parameter 'name')", which means nothing to an operator; the
    // name itself does not survive the trip from the silo, only the message.
    private static string ArgumentMessage(ArgumentException e) => ParameterSuffix().Replace(OneLine(e.Message), "");

    [GeneratedRegex(@" \(Parameter '[^']*'\)$")]
    private static partial Regex ParameterSuffix();

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
