namespace Engine.Sms;

/// <summary>
/// The built-in templates, in English and French. They keep to the GSM-7 alphabet (no "ç",
/// "ê", curly quotes or non-breaking spaces, which would make a text UCS-2 and halve its room)
/// and fit one part with typical values. Marketing texts end with the opt-out hint. The English
/// keyword replies are the configured texts (Sms:Policy); the French ones are written here, and
/// any of them can be replaced through Sms:Templates.
/// </summary>
public static class SmsDefaultTemplates
{
    // Every line the renderer passes (it drops and shortens lines to fit the segment budget), then how many it left out.
    private const string CartLines =
        "{% for line in cart_lines %}{{ line.quantity }}x {{ line.name }}{% unless forloop.last %}, {% endunless %}{% endfor %}"
        + "{% if cart_more > 0 %} +{{ cart_more }}{% endif %}";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["tier_upgrade.en"] = "Hi {{ first_name | default: 'there' }}, you're now {{ tier }}! See your new perks: {{ link }} Reply STOP to opt out",
        ["tier_downgrade.en"] = "Hi {{ first_name | default: 'there' }}, your status is now {{ tier }}. Shop again to move back up: {{ link }} Reply STOP to opt out",
        ["points_expiring.en"] = "Hi {{ first_name | default: 'there' }}, {{ points }} points expire on {{ expiry_date }}. Use them before they're gone: {{ link }} Reply STOP to opt out",
        ["cart_abandoned.en"] = "Hi {{ first_name | default: 'there' }}, your cart is waiting: " + CartLines + " ({{ cart_value }} {{ currency }}).{% if incentive %} {{ incentive }}.{% endif %} Finish your order: {{ link }} Reply STOP to opt out",
        ["opt_out_confirmation.en"] = "{{ reply_text }}",
        ["opt_in_confirmation.en"] = "{{ reply_text }}",
        ["help.en"] = "{{ help_text }}",
        ["clarification.en"] = "{{ reply_text }}",
        ["test.en"] = "Test message from the loyalty programme. No action needed.",

        ["tier_upgrade.fr"] = "Bonjour{% if first_name %} {{ first_name }}{% endif %}, vous passez au statut {{ tier }} ! Vos avantages : {{ link }} Répondez STOP pour vous désabonner",
        ["tier_downgrade.fr"] = "Bonjour{% if first_name %} {{ first_name }}{% endif %}, votre statut est désormais {{ tier }}. Pour remonter : {{ link }} Répondez STOP pour vous désabonner",
        ["points_expiring.fr"] = "Bonjour{% if first_name %} {{ first_name }}{% endif %}, {{ points }} points expirent le {{ expiry_date }}. Utilisez-les vite : {{ link }} Répondez STOP pour vous désabonner",
        ["cart_abandoned.fr"] = "Bonjour{% if first_name %} {{ first_name }}{% endif %}, votre panier vous attend : " + CartLines + " ({{ cart_value }} {{ currency }}).{% if incentive %} {{ incentive }}.{% endif %} Commandez : {{ link }} Répondez STOP pour vous désabonner",
        ["opt_out_confirmation.fr"] = "Votre désabonnement est confirmé : vous ne recevrez plus de SMS marketing. Répondez START pour vous réabonner.",
        ["opt_in_confirmation.fr"] = "Votre abonnement aux alertes fidélité est confirmé, 3 SMS par semaine au plus. Répondez HELP pour l'aide, STOP pour vous désabonner.",
        ["help.fr"] = "Alertes fidélité : points, statut et panier, 3 SMS par semaine au plus. Répondez STOP pour vous désabonner, START pour vous réabonner.",
        ["clarification.fr"] = "Désolé, nous n'avons pas compris. Répondez STOP pour ne plus recevoir nos SMS fidélité, HELP pour l'aide.",
        ["test.fr"] = "Message de test du programme de fidélité. Aucune action requise.",
    };
}
