using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class SmsTemplatesTests
{
    private static readonly SmsTemplates Defaults = new();
    // A typical message: the first cart step offers no incentive.
    private static readonly SmsTemplateModel Model = SmsTemplateModel.Sample with { Incentive = null };

    [Fact]
    public void Default_templates_are_valid() => Defaults.Validate();

    [Fact]
    public void Renders_English_with_the_customers_values()
    {
        var text = Defaults.Render(SmsTrigger.TierUpgrade, "en-US", Model);

        Assert.Equal("tier_upgrade.en", text.TemplateName);
        Assert.Equal("Hi Camille, you're now Gold! See your new perks: https://example.com/l/abc123 Reply STOP to opt out", text.Text);
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 1, text.Text.Length), text.Segments);
    }

    [Fact]
    public void Renders_French_with_the_locales_date_format()
    {
        var text = Defaults.Render(SmsTrigger.PointsExpiring, "fr-FR", Model);

        Assert.Equal("points_expiring.fr", text.TemplateName);
        Assert.Equal(
            "Bonjour Camille, 1250 points expirent le 30/06/2026. Utilisez-les vite : https://example.com/l/abc123 Répondez STOP pour vous désabonner",
            text.Text);
        Assert.Equal(SmsEncoding.Gsm7, text.Segments.Encoding);
    }

    [Theory]
    [InlineData("en-US", "6/30/2026")]
    [InlineData("en-GB", "30/06/2026")]
    [InlineData("fr-FR", "30/06/2026")]
    [InlineData("fr-CA", "2026-06-30")]
    public void Expiry_date_follows_the_full_locale_even_when_the_template_is_the_languages(string locale, string date)
    {
        var templates = new SmsTemplates(new Dictionary<string, string>
        {
            ["points_expiring.en"] = "{{ expiry_date }}",
            ["points_expiring.fr"] = "{{ expiry_date }}",
        });

        Assert.Equal(date, templates.Render(SmsTrigger.PointsExpiring, locale, Model).Text);
    }

    [Fact]
    public void Renders_cart_lines()
    {
        var text = Defaults.Render(SmsTrigger.CartAbandoned, "en", Model);

        Assert.Equal(
            "Hi Camille, your cart is waiting: 1x Trail shoes, 3x Socks (129.90 EUR). Finish your order: https://example.com/l/abc123 Reply STOP to opt out",
            text.Text);

        var moreAndIncentive = Model with { CartMore = 2, Incentive = "10% off with code BACK10" };
        Assert.Equal(
            "Bonjour Camille, votre panier vous attend : 1x Trail shoes, 3x Socks +2 (129,90 EUR). 10% off with code BACK10. Commandez : https://example.com/l/abc123 Répondez STOP pour vous désabonner",
            Defaults.Render(SmsTrigger.CartAbandoned, "fr", moreAndIncentive).Text);
    }

    [Fact]
    public void A_cart_step_and_its_variant_use_their_own_template_in_the_customers_language_first()
    {
        var templates = new SmsTemplates(new Dictionary<string, string>
        {
            ["cart_abandoned:incentive.en"] = "step {{ step }} {{ incentive }}",
            ["cart_abandoned:incentive:b.en"] = "variant {{ variant }}",
            ["cart_abandoned:incentive.fr"] = "etape {{ step }}",
        });
        templates.Validate();
        var model = Model with { Step = "incentive", Variant = "b", Incentive = "10%" };

        Assert.Equal("variant b", templates.Render(SmsTrigger.CartAbandoned, "en", model, ["incentive:b", "incentive"]).Text);
        Assert.Equal("step incentive 10%", templates.Render(SmsTrigger.CartAbandoned, "en", model, ["incentive:a", "incentive"]).Text);
        Assert.Equal("etape incentive", templates.Render(SmsTrigger.CartAbandoned, "fr-FR", model, ["incentive:b", "incentive"]).Text);
        Assert.Equal("cart_abandoned.en", templates.Render(SmsTrigger.CartAbandoned, "en", model, ["reminder:a", "reminder"]).TemplateName);
    }

    [Fact]
    public void Missing_first_name_falls_back_gracefully()
    {
        var anonymous = Model with { FirstName = null };

        Assert.StartsWith("Hi there, you're now Gold!", Defaults.Render(SmsTrigger.TierUpgrade, "en", anonymous).Text, StringComparison.Ordinal);
        Assert.StartsWith("Bonjour, vous passez au statut Gold !", Defaults.Render(SmsTrigger.TierUpgrade, "fr", anonymous).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr-FR", "cart_abandoned.fr")]
    [InlineData("fr_BE", "cart_abandoned.fr")]
    [InlineData("FR", "cart_abandoned.fr")]
    [InlineData("fr-CA", "cart_abandoned.fr-CA")]
    [InlineData("de-DE", "cart_abandoned.en")]
    [InlineData("en-AU", "cart_abandoned.en")]
    [InlineData("", "cart_abandoned.en")]
    [InlineData(null, "cart_abandoned.en")]
    [InlineData("not a locale", "cart_abandoned.en")]
    public void Locale_falls_back_from_exact_to_language_to_English(string? locale, string expected)
    {
        var templates = new SmsTemplates(new Dictionary<string, string> { ["cart_abandoned.fr-CA"] = "Allo {{ first_name }}" });

        Assert.Equal(expected, templates.Render(SmsTrigger.CartAbandoned, locale, Model).TemplateName);
    }

    [Fact]
    public void Configured_template_replaces_the_default()
    {
        var templates = new SmsTemplates(new Dictionary<string, string> { ["TIER_UPGRADE.en"] = "{{ first_name }} is {{ tier }} with {{ points }} points" });

        Assert.Equal("Camille is Gold with 1250 points", templates.Render(SmsTrigger.TierUpgrade, "en", Model).Text);
    }

    [Fact]
    public void Keyword_replies_use_the_configured_texts_in_English()
    {
        var options = new SmsPolicyOptions { HelpText = "Acme: help at acme.example/sms", OptOutConfirmationText = "Acme: unsubscribed." };

        Assert.Equal("Acme: help at acme.example/sms", Defaults.Render(SmsTrigger.Help, "en", SmsTemplateModel.ForReply(SmsTrigger.Help, options)).Text);
        Assert.Equal("Acme: unsubscribed.", Defaults.Render(SmsTrigger.OptOutConfirmation, "en-GB", SmsTemplateModel.ForReply(SmsTrigger.OptOutConfirmation, options)).Text);
        Assert.Equal(options.OptInConfirmationText, Defaults.Render(SmsTrigger.OptInConfirmation, null, SmsTemplateModel.ForReply(SmsTrigger.OptInConfirmation, options)).Text);
        Assert.StartsWith("Votre désabonnement est confirmé", Defaults.Render(SmsTrigger.OptOutConfirmation, "fr", SmsTemplateModel.ForReply(SmsTrigger.OptOutConfirmation, options)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_HTML_encoded()
    {
        var text = Defaults.Render(SmsTrigger.TierUpgrade, "en", Model with { FirstName = "O'Brien & <Co>" }).Text;

        Assert.StartsWith("Hi O'Brien & <Co>, you're", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_default_template_fits_one_gsm7_part_and_marketing_ones_carry_the_opt_out_hint()
    {
        var options = new SmsPolicyOptions();
        foreach (var trigger in SmsTriggers.All)
        {
            foreach (var locale in new[] { "en", "fr" })
            {
                var model = SmsTriggers.IsKeywordReply(trigger) ? SmsTemplateModel.ForReply(trigger, options) : Model;
                var text = Defaults.Render(trigger, locale, model);

                Assert.Equal($"{SmsTriggers.Key(trigger)}.{locale}", text.TemplateName);
                Assert.True(text.Segments is { Encoding: SmsEncoding.Gsm7, Segments: 1 }, $"{text.TemplateName}: {text.Segments} '{text.Text}'");
                if (SmsTriggers.KindOf(trigger) == SmsKind.Marketing)
                {
                    Assert.Contains("STOP", text.Text, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void First_name_outside_gsm7_makes_the_message_ucs2()
    {
        var text = Defaults.Render(SmsTrigger.TierUpgrade, "fr", Model with { FirstName = "François" });

        Assert.Equal(SmsEncoding.Ucs2, text.Segments.Encoding);
        Assert.Equal(2, text.Segments.Segments);
    }

    [Theory]
    [InlineData("cart_abandoned.fr", "Bonjour {{ first_name }")]           // does not parse
    [InlineData("cart_abandoned.fr", "{% if first_name %}Bonjour")]        // unclosed block
    [InlineData("tier_upgrade.en", "Hi {{ frist_name }}")]                 // unknown variable
    [InlineData("tier_upgrade.en", "Hi {{ first_name | shout }}")]         // unknown filter
    [InlineData("tier_upgrade.en", "{% for i in (1..100000) %}x{% endfor %}")] // runaway loop
    [InlineData("birthday.en", "Happy birthday!")]                         // unknown trigger
    [InlineData("help", "Help!")]                                          // no locale
    [InlineData("help.fr", "  ")]                                          // empty
    public void Broken_template_fails_validation_with_its_name(string name, string text)
    {
        var templates = new SmsTemplates(new Dictionary<string, string> { [name] = text });

        var error = Assert.Throws<SmsTemplateException>(templates.Validate);

        Assert.Equal([name], error.TemplateNames);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_names_every_broken_template_and_every_missing_fallback()
    {
        var templates = new SmsTemplates(
            new Dictionary<string, string>
            {
                ["tier_upgrade.en"] = "Hi {{ first_name }}",
                ["cart_abandoned.fr"] = "{{ oops",
            },
            includeDefaults: false);

        var error = Assert.Throws<SmsTemplateException>(templates.Validate);

        Assert.Contains("cart_abandoned.fr", error.TemplateNames);
        Assert.Contains("cart_abandoned.en", error.TemplateNames);
        Assert.Contains("help.en", error.TemplateNames);
        Assert.DoesNotContain("tier_upgrade.en", error.TemplateNames);
    }

    [Fact]
    public void Rendering_a_trigger_with_no_usable_template_names_the_missing_one()
    {
        var templates = new SmsTemplates(new Dictionary<string, string> { ["tier_upgrade.en"] = "Hi" }, includeDefaults: false);

        var error = Assert.Throws<SmsTemplateException>(() => templates.Render(SmsTrigger.Help, "fr", Model));

        Assert.Equal(["help.en"], error.TemplateNames);
    }
}
