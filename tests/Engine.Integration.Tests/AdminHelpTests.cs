using System.Text.RegularExpressions;

namespace Engine.Integration.Tests;

/// <summary>Every engine-admin command explains itself: --help works and says what each command and option is for.</summary>
[Trait("Category", "Integration")]
public sealed partial class AdminHelpTests
{
    [Fact]
    public async Task Every_command_and_option_has_help()
    {
        var pending = new Queue<string[]>([[]]);
        var seen = 0;
        while (pending.TryDequeue(out var path))
        {
            var run = await ToolRun.RunAsync("dotnet", [RepositoryLayout.ClientAssembly, .. path, "--help"]);
            var name = "engine-admin " + string.Join(' ', path);
            Assert.True(run.ExitCode == 0, $"{name} --help: exit {run.ExitCode}");
            var sections = Sections(run.Output);
            Assert.True(sections.TryGetValue("Description", out var description) && description.Any(l => l.Trim().Length > 0), $"{name} has no description");
            foreach (var line in sections.GetValueOrDefault("Options", []).Where(l => l.TrimStart().StartsWith('-')))
            {
                Assert.True(Described().IsMatch(line), $"{name}: option without a description: {line.Trim()}");
            }

            foreach (var line in sections.GetValueOrDefault("Commands", []).Where(l => l.Trim().Length > 0))
            {
                Assert.True(Described().IsMatch(line), $"{name}: command without a description: {line.Trim()}");
                pending.Enqueue([.. path, line.Trim().Split(' ')[0]]);
            }

            seen++;
        }

        // The root, its groups and their commands: far more than a handful.
        Assert.True(seen > 15, $"only {seen} commands found");
    }

    private static Dictionary<string, List<string>> Sections(string help)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in help.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line.EndsWith(':'))
            {
                current = sections[line[..^1]] = [];
            }
            else if (line.StartsWith("  ", StringComparison.Ordinal) && line.Length > 2 && !char.IsWhiteSpace(line[2]))
            {
                current?.Add(line);
            }
            else if (current is { Count: > 0 } && line.Trim().Length > 0)
            {
                // A wrapped description continues the entry above.
                current[^1] += " " + line.Trim();
            }
        }

        return sections;
    }

    // The name (and its arguments) then at least two spaces then words.
    [GeneratedRegex(@"^\s{2}\S.*?\s{2,}\w")]
    private static partial Regex Described();
}
