namespace Engine.Domain.Sms;

/// <summary>
/// Keywords beyond the English ones every US short code must honour (STOP, STOPALL,
/// UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT; START, UNSTOP, YES; HELP, INFO), which are
/// built in and cannot be switched off. Bound from <c>Sms:Policy:Keywords</c>. A list left
/// unset keeps its default (the Spanish words common on US short codes); a list set in
/// configuration replaces the default, and an empty list turns it off. Matching ignores case
/// and accents ("SÍ" is "SI").
/// </summary>
public sealed class SmsKeywordOptions
{
    public static readonly IReadOnlyList<string> DefaultOptOut = ["PARAR", "DETENER"];
    public static readonly IReadOnlyList<string> DefaultOptOutAlone = ["ALTO", "CANCELAR", "BAJA"];
    public static readonly IReadOnlyList<string> DefaultOptIn = ["COMENZAR", "SI"];
    public static readonly IReadOnlyList<string> DefaultHelp = ["AYUDA"];

    /// <summary>Words that opt out wherever they stand in an opt-out sense ("por favor parar").</summary>
    public List<string>? OptOut { get; set; }

    /// <summary>
    /// Words that opt out only alone (with polite words around them) or followed by what is
    /// being stopped ("cancelar mensajes"): they have everyday meanings too ("alto" is "tall").
    /// </summary>
    public List<string>? OptOutAlone { get; set; }

    /// <summary>Words that opt back in when they open the message.</summary>
    public List<string>? OptIn { get; set; }

    /// <summary>Words that ask for help.</summary>
    public List<string>? Help { get; set; }

    public IReadOnlyList<string> EffectiveOptOut => OptOut ?? DefaultOptOut;

    public IReadOnlyList<string> EffectiveOptOutAlone => OptOutAlone ?? DefaultOptOutAlone;

    public IReadOnlyList<string> EffectiveOptIn => OptIn ?? DefaultOptIn;

    public IReadOnlyList<string> EffectiveHelp => Help ?? DefaultHelp;

    /// <summary>What is wrong with these lists (empty when usable).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, words) in new[]
                 {
                     ("OptOut", EffectiveOptOut), ("OptOutAlone", EffectiveOptOutAlone), ("OptIn", EffectiveOptIn), ("Help", EffectiveHelp),
                 })
        {
            foreach (var word in words)
            {
                var folded = SmsWords.Split(word);
                if (folded.Count != 1)
                {
                    problems.Add($"Sms:Policy:Keywords:{name} entry '{word}' must be one word of letters or digits.");
                }
            }
        }

        var optOut = EffectiveOptOut.Concat(EffectiveOptOutAlone).Select(SmsWords.Fold).ToHashSet();
        foreach (var word in EffectiveOptIn.Concat(EffectiveHelp).Where(w => optOut.Contains(SmsWords.Fold(w))))
        {
            problems.Add($"Sms:Policy:Keywords: '{word}' cannot both opt out and opt in or ask for help.");
        }

        return problems;
    }
}
