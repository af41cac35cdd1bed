using Engine.Domain.Cart;

namespace Engine.Silo.Hosting;

/// <summary>Binds the "CartAbandonment" section onto the rules.</summary>
public static class CartAbandonmentConfiguration
{
    /// <summary>
    /// The configuration binder appends to lists that already hold defaults, so configured
    /// steps replace the default reminder instead of being added after it.
    /// </summary>
    public static void Bind(IConfigurationSection section, CartAbandonmentRules rules)
    {
        if (section.GetSection(nameof(CartAbandonmentRules.Steps)).Exists())
        {
            rules.Steps.Clear();
        }

        section.Bind(rules);
    }
}
