namespace Engine.Grains.Effects;

/// <summary>
/// Where a customer grain hands an SMS that is durable and due. The outlet (the silo's
/// dispatcher) calls back <c>BeginSmsSendAsync</c>, where the policy decides the attempt,
/// before it calls a gateway, so handing the same message twice is harmless.
/// </summary>
public interface ISmsOutlet
{
    void Submit(string customerId, string messageId);
}
