namespace Engine.Sms;

/// <summary>A template that cannot be parsed or rendered; the message names every such template.</summary>
public sealed class SmsTemplateException : Exception
{
    public SmsTemplateException(IReadOnlyList<string> templateNames, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        TemplateNames = templateNames;
    }

    /// <summary>The keys ("cart_abandoned.fr") of the broken or missing templates.</summary>
    public IReadOnlyList<string> TemplateNames { get; }
}
