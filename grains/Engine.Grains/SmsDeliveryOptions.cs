namespace Engine.Grains;

/// <summary>How SMS are rendered and retried. Bound from "Sms".</summary>
public sealed class SmsDeliveryOptions
{
    public const string SectionName = "Sms";

    /// <summary>The link templates may show (e.g. the shop or the loyalty page).</summary>
    public string? Link { get; set; }

    /// <summary>Gateway attempts before a message that keeps failing transiently is given up.</summary>
    public int MaxAttempts { get; set; } = 10;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}
