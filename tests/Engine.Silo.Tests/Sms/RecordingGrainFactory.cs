using System.Collections.Concurrent;
using System.Reflection;

namespace Engine.Silo.Tests.Sms;

/// <summary>
/// An <see cref="IGrainFactory"/> that records every call made through it and through the
/// grain references it hands out; grain methods answer their default (no customer, done).
/// Shows whether a callback reached the grains at all.
/// </summary>
public class RecordingGrainFactory : DispatchProxy
{
    public ConcurrentQueue<string> Calls { get; private set; } = new();

    /// <summary>Every grain call fails, as when storage is down.</summary>
    public bool Fails { get; private set; }

    public static (IGrainFactory Grains, ConcurrentQueue<string> Calls) Create(bool fails = false)
    {
        var grains = DispatchProxy.Create<IGrainFactory, RecordingGrainFactory>();
        ((RecordingGrainFactory)(object)grains).Fails = fails;
        return (grains, ((RecordingGrainFactory)(object)grains).Calls);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        Calls.Enqueue(targetMethod.Name);
        var returns = targetMethod.ReturnType;
        if (returns.IsInterface && typeof(IAddressable).IsAssignableFrom(returns))
        {
            var reference = (RecordingGrainFactory)DispatchProxy.Create(returns, typeof(RecordingGrainFactory));
            reference.Calls = Calls;
            reference.Fails = Fails;
            return reference;
        }

        if (Fails && typeof(Task).IsAssignableFrom(returns))
        {
            var failed = new TaskCompletionSource();
            failed.SetException(new InvalidOperationException("storage is down"));
            return returns == typeof(Task) ? failed.Task : typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!
                .MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(null, [new InvalidOperationException("storage is down")]);
        }

        if (returns == typeof(Task))
        {
            return Task.CompletedTask;
        }

        if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returns.GetGenericArguments()[0];
            if (result == typeof(Engine.Contracts.NumberDelivery))
            {
                // A number nobody holds and no instruction to hand on.
                return Task.FromResult(new Engine.Contracts.NumberDelivery(null, [], null));
            }

            return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(result)
                .Invoke(null, [result.IsValueType ? Activator.CreateInstance(result) : null]);
        }

        throw new NotSupportedException(targetMethod.Name);
    }
}
