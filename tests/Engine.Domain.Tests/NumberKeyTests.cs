using System.Text;
using Engine.Domain.Sms;

namespace Engine.Domain.Tests;

[Trait("Category", "Unit")]
public sealed class NumberKeyTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("a-test-secret-of-at-least-32-characters");

    private static string KeyOf(string written, string region = "FR")
    {
        Assert.True(NumberNormalisation.TryToE164(written, region, out var e164));
        return NumberKey.Of(e164, Secret);
    }

    [Fact]
    public void The_same_number_written_in_different_formats_has_one_key()
    {
        var keys = new[] { "+33612345678", "06 12 34 56 78", "06-12-34-56-78", "0033612345678", "+33 6 12 34 56 78" }.Select(n => KeyOf(n)).Distinct().ToList();

        Assert.Single(keys);
    }

    [Fact]
    public void Different_numbers_have_different_keys()
    {
        Assert.NotEqual(KeyOf("+33612345678"), KeyOf("+33612345679"));
    }

    [Fact]
    public void The_key_does_not_contain_the_number_in_any_form()
    {
        var key = NumberKey.Of("+33612345678", Secret);

        Assert.Matches("^n[0-9a-f]{64}$", key);
        Assert.DoesNotContain("612345678", key, StringComparison.Ordinal);
        Assert.DoesNotContain("3361234", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_secret_gives_another_key_so_the_key_cannot_be_recomputed_without_it()
    {
        var other = Encoding.UTF8.GetBytes("another-test-secret-of-32-characters-at-least");

        Assert.NotEqual(NumberKey.Of("+33612345678", Secret), NumberKey.Of("+33612345678", other));
    }
}
