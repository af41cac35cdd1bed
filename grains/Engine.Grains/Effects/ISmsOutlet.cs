namespace Engine.Grains.Effects;

/// <summary>
/// Where a customer grain hands an SMS that is durable and decided to go now. The outlet
/// (the silo's dispatcher) calls back <c>BeginSmsSendAsync</c> before it calls a gateway, so
/// handing the same message twice is harmless.
/// </summary>
public interface ISmsOutlet
{
    void Submit(string customerId, string messageId);
}
