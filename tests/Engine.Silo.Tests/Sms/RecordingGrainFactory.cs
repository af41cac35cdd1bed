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

    public static (IGrainFactory Grains, ConcurrentQueue<string> Calls) Create()
    {
        var grains = DispatchProxy.Create<IGrainFactory, RecordingGrainFactory>();
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
            return reference;
        }

        if (returns == typeof(Task))
        {
            return Task.CompletedTask;
        }

        if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returns.GetGenericArguments()[0];
            return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(result)
                .Invoke(null, [result.IsValueType ? Activator.CreateInstance(result) : null]);
        }

        throw new NotSupportedException(targetMethod.Name);
    }
}
