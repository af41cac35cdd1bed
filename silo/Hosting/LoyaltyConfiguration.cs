using Engine.Domain.Loyalty;

namespace Engine.Silo.Hosting;

/// <summary>Binds the "Loyalty" section onto the rules.</summary>
public static class LoyaltyConfiguration
{
    /// <summary>
    /// The configuration binder appends to lists that already hold defaults, so a configured
    /// ladder or reminder list replaces the default one instead of being added to it.
    /// </summary>
    public static void Bind(IConfigurationSection section, LoyaltyRules rules)
    {
        if (section.GetSection(nameof(LoyaltyRules.Tiers)).Exists())
        {
            rules.Tiers.Clear();
        }

        if (section.GetSection(nameof(LoyaltyRules.ExpiryReminderDays)).Exists())
        {
            rules.ExpiryReminderDays.Clear();
        }

        section.Bind(rules);
    }
}
