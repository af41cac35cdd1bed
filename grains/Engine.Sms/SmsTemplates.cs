using System.Globalization;
using Engine.Domain.Sms;
using Fluid;
using Fluid.Values;

namespace Engine.Sms;

/// <summary>A rendered message: which template made it, the text, and how it travels.</summary>
public sealed record SmsText(string TemplateName, string Text, SmsSegmentCount Segments);

/// <summary>
/// The Liquid templates, one per trigger and locale, keyed "trigger.locale" ("tier_upgrade.en",
/// "cart_abandoned.fr-CA"), from configuration section <see cref="SectionName"/> over
/// <see cref="SmsDefaultTemplates"/>. A locale falls back from exact ("fr-FR") to its language
/// ("fr") to <see cref="DefaultLocale"/>. A trigger may carry a qualifier ("cart_abandoned:incentive.en",
/// "cart_abandoned:reminder:b.en": a cart step, or a step and its variant); within each locale the
/// most specific qualifier the caller names wins, then the plain trigger. Every template is parsed once, here; call
/// <see cref="Validate"/> at start-up so a broken one stops the start with its name.
/// </summary>
public sealed class SmsTemplates
{
    public const string SectionName = "Sms:Templates";
    public const string DefaultLocale = "en";

    private static readonly FluidParser Parser = new();

    // Looked up ignoring case; the value keeps the canonical name ("trigger.locale") for reports.
    private readonly Dictionary<string, (string Name, IFluidTemplate Template)> _templates = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<string, string> _errors = new(StringComparer.OrdinalIgnoreCase);
    private readonly TemplateOptions _options = NewOptions(strict: false);
    private readonly TemplateOptions _strictOptions = NewOptions(strict: true);

    /// <param name="configured">Templates from configuration; a key also in the defaults replaces it.</param>
    /// <param name="includeDefaults">False to use only <paramref name="configured"/> (tests, or a deployment that owns every text).</param>
    public SmsTemplates(IReadOnlyDictionary<string, string>? configured = null, bool includeDefaults = true)
    {
        var sources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        IEnumerable<KeyValuePair<string, string>> defaults = includeDefaults ? SmsDefaultTemplates.All : [];
        foreach (var (name, text) in defaults.Concat(configured ?? new Dictionary<string, string>()))
        {
            sources[name.Trim()] = text;
        }

        foreach (var (name, text) in sources)
        {
            if (!TryParseName(name, out var trigger, out var qualifier, out var locale))
            {
                _errors[name] = $"the name is not 'trigger.locale' or 'trigger:qualifier.locale' with a trigger among {string.Join(", ", SmsTriggers.All.Select(SmsTriggers.Key))}";
            }
            else if (string.IsNullOrWhiteSpace(text))
            {
                _errors[name] = "the template is empty";
            }
            else if (!Parser.TryParse(text, out var template, out var error))
            {
                _errors[name] = FirstLine(error);
            }
            else
            {
                var canonical = $"{SmsTriggers.Key(trigger)}{(qualifier is null ? "" : ":" + qualifier)}.{locale.Replace('_', '-')}";
                _templates[canonical] = (canonical, template);
            }
        }
    }

    /// <summary>The names of every usable template.</summary>
    public IReadOnlyList<string> Names => _templates.Values.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Fails with every broken template named: one that does not parse, has a bad name, or
    /// uses a variable or filter that does not exist (found by rendering each with
    /// <see cref="SmsTemplateModel.Sample"/>); and a trigger with no default-locale template.
    /// </summary>
    public void Validate()
    {
        var problems = new SortedDictionary<string, string>(_errors, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, template) in _templates.Values)
        {
            try
            {
                template.Render(NewContext(_strictOptions, SmsTemplateModel.Sample, CultureFor(LocaleOf(name))), NullEncoder.Default);
            }
            catch (Exception e)
            {
                problems[name] = e.Message;
            }
        }

        foreach (var trigger in SmsTriggers.All)
        {
            var name = $"{SmsTriggers.Key(trigger)}.{DefaultLocale}";
            if (!_templates.ContainsKey(name) && !problems.ContainsKey(name))
            {
                problems[name] = $"missing: every trigger needs a '{DefaultLocale}' template to fall back on";
            }
        }

        if (problems.Count > 0)
        {
            throw new SmsTemplateException(
                problems.Keys.ToList(),
                "Broken SMS templates: " + string.Join("; ", problems.Select(p => $"'{p.Key}': {p.Value}")));
        }
    }

    /// <summary>The template used for a trigger and locale: exact, then language, then default.</summary>
    public string ResolveName(SmsTrigger trigger, string? locale, IReadOnlyList<string>? qualifiers = null)
    {
        var key = SmsTriggers.Key(trigger);
        foreach (var candidate in LocaleFallbacks(locale))
        {
            foreach (var qualifier in qualifiers ?? [])
            {
                if (_templates.TryGetValue($"{key}:{qualifier}.{candidate}", out var qualified))
                {
                    return qualified.Name;
                }
            }

            if (_templates.TryGetValue($"{key}.{candidate}", out var found))
            {
                return found.Name;
            }
        }

        var wanted = $"{key}.{DefaultLocale}";
        throw new SmsTemplateException([wanted], $"No usable SMS template for '{key}' (locale '{locale}'): '{wanted}' is missing or broken.");
    }

    /// <summary>
    /// Renders the trigger's template for the customer's locale. Dates and numbers are written
    /// the locale's way, whitespace around the text is trimmed, and nothing is HTML-encoded.
    /// </summary>
    /// <remarks>Qualifiers name qualified templates to prefer, most specific first (see the class summary).</remarks>
    public SmsText Render(SmsTrigger trigger, string? locale, SmsTemplateModel model, IReadOnlyList<string>? qualifiers = null)
    {
        var name = ResolveName(trigger, locale, qualifiers);
        var culture = CultureFor(locale);
        string text;
        try
        {
            text = _templates[name].Template.Render(NewContext(_options, model, culture), NullEncoder.Default).Trim();
        }
        catch (Exception e)
        {
            throw new SmsTemplateException([name], $"SMS template '{name}' failed to render: {e.Message}", e);
        }

        return new SmsText(name, text, SmsSegments.Count(text));
    }

    private static TemplateOptions NewOptions(bool strict)
    {
        // MaxSteps bounds a runaway loop in a configured template; an SMS needs a few hundred at most.
        var options = new TemplateOptions { StrictVariables = strict, StrictFilters = strict, MaxSteps = 10_000 };
        options.MemberAccessStrategy.Register<SmsCartLine, string>("name", line => line.Name);
        options.MemberAccessStrategy.Register<SmsCartLine, int>("quantity", line => line.Quantity);
        return options;
    }

    private static TemplateContext NewContext(TemplateOptions options, SmsTemplateModel model, CultureInfo culture)
    {
        var context = new TemplateContext(options) { CultureInfo = culture };
        context.SetValue("first_name", Text(model.FirstName));
        context.SetValue("tier", Text(model.Tier));
        context.SetValue("points", model.Points is { } points ? NumberValue.Create(points) : NilValue.Instance);
        context.SetValue("expiry_date", Text(model.ExpiryDate?.ToString("d", culture)));
        context.SetValue("cart_lines", model.CartLines);
        context.SetValue("cart_count", NumberValue.Create(model.CartLines.Sum(l => l.Quantity)));
        context.SetValue("cart_more", NumberValue.Create(model.CartMore));
        context.SetValue("incentive", Text(model.Incentive));
        context.SetValue("step", Text(model.Step));
        context.SetValue("variant", Text(model.Variant));
        context.SetValue("cart_value", Text(model.CartValue?.ToString("0.00", culture)));
        context.SetValue("currency", Text(model.Currency));
        context.SetValue("link", Text(model.Link));
        context.SetValue("help_text", Text(model.HelpText));
        context.SetValue("reply_text", Text(model.ReplyText));
        return context;
    }

    private static FluidValue Text(string? value) => value is null ? NilValue.Instance : StringValue.Create(value);

    private static IEnumerable<string> LocaleFallbacks(string? locale)
    {
        if (!string.IsNullOrWhiteSpace(locale))
        {
            var normalized = locale.Trim().Replace('_', '-');
            yield return normalized;
            var dash = normalized.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                yield return normalized[..dash];
            }
        }

        yield return DefaultLocale;
    }

    private static CultureInfo CultureFor(string? locale)
    {
        foreach (var candidate in LocaleFallbacks(locale))
        {
            try
            {
                return CultureInfo.GetCultureInfo(candidate, predefinedOnly: true);
            }
            catch (CultureNotFoundException)
            {
                // Try the language, then the default.
            }
        }

        return CultureInfo.InvariantCulture;
    }

    private static bool TryParseName(string name, out SmsTrigger trigger, out string? qualifier, out string locale)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        locale = dot < 0 ? "" : name[(dot + 1)..];
        var key = dot < 0 ? name : name[..dot];
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        qualifier = colon < 0 ? null : key[(colon + 1)..];
        trigger = default;
        return dot > 0 && locale.Length > 0 && qualifier is not "" && SmsTriggers.TryParseKey(colon < 0 ? key : key[..colon], out trigger);
    }

    private static string? LocaleOf(string name) => TryParseName(name, out _, out _, out var locale) ? locale : null;

    private static string FirstLine(string error)
    {
        var newline = error.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? error : error[..newline]).Trim();
    }
}
