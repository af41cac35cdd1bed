namespace Engine.Silo.Sms.Callbacks;

/// <summary>Why a gateway callback was refused; <see cref="None"/> admits it.</summary>
public enum CallbackRefusal
{
    None,

    /// <summary>The caller's address is outside <see cref="SmsCallbackOptions.AllowedSources"/>.</summary>
    Source,

    /// <summary>No token (or more than one) in the query.</summary>
    NoToken,

    /// <summary>A token that is not the configured one.</summary>
    WrongToken,
}

/// <summary>The metric and log label of each refusal: a fixed set, never caller data.</summary>
public static class CallbackRefusals
{
    public static string Label(this CallbackRefusal refusal) => refusal switch
    {
        CallbackRefusal.Source => "source",
        CallbackRefusal.NoToken => "no-token",
        CallbackRefusal.WrongToken => "wrong-token",
        _ => "none",
    };
}
