using Engine.Domain.Sms;

namespace Engine.Sms.Tests;

[Trait("Category", "Unit")]
public sealed class SmsSegmentsTests
{
    private static string A(int count) => new('a', count);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Gsm7_is_160_in_one_part_then_153_per_part(int length, int segments) =>
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, segments, length), SmsSegments.Count(A(length)));

    [Fact]
    public void Empty_text_is_one_empty_part() =>
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 1, 0), SmsSegments.Count(""));

    [Theory]
    [InlineData("€")]
    [InlineData("^")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("\\")]
    [InlineData("[")]
    [InlineData("~")]
    [InlineData("]")]
    [InlineData("|")]
    [InlineData("\f")]
    public void Extension_characters_count_twice(string extension)
    {
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 1, 160), SmsSegments.Count(A(158) + extension));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 2, 161), SmsSegments.Count(A(159) + extension));
    }

    [Fact]
    public void An_escape_pair_is_never_split_across_parts()
    {
        // 152 + 2 + 152 = 306 septets would fit two parts of 153, but the € cannot straddle
        // the boundary: part 1 holds 152, part 2 holds € and 151, part 3 the last one.
        var text = A(152) + "€" + A(152);

        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 3, 306), SmsSegments.Count(text));
    }

    [Fact]
    public void The_whole_default_alphabet_is_gsm7()
    {
        const string all = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

        Assert.Equal(127, all.Length);
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 1, 127), SmsSegments.Count(all));
    }

    [Theory]
    [InlineData("ç")]      // only the capital Ç is in the default alphabet
    [InlineData("ê")]
    [InlineData("’")]      // a curly apostrophe
    [InlineData("\u00A0")] // a non-breaking space
    [InlineData("\u202F")] // the narrow one French number formats use
    [InlineData("Ж")]
    public void One_character_outside_gsm7_makes_the_text_ucs2(string odd) =>
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count("Hello " + odd).Encoding);

    [Fact]
    public void One_emoji_makes_the_message_ucs2_and_takes_two_units()
    {
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 1, 5), SmsSegments.Count("Hi 😀"));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 1, 70), SmsSegments.Count(A(68) + "😀"));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 2, 71), SmsSegments.Count(A(69) + "😀"));
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    [InlineData(201, 3)]
    [InlineData(202, 4)]
    public void Ucs2_is_70_in_one_part_then_67_per_part(int length, int segments) =>
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, segments, length), SmsSegments.Count("ê" + A(length - 1)));

    [Fact]
    public void A_surrogate_pair_is_never_split_across_parts()
    {
        // 66 + 2 + 66 = 134 units would fit two parts of 67, but the emoji cannot straddle them.
        var text = A(66) + "😀" + A(66);

        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 3, 134), SmsSegments.Count(text));
    }

    [Fact]
    public void More_than_two_parts_is_long()
    {
        Assert.False(SmsSegments.Count(A(306)).IsLong);
        Assert.True(SmsSegments.Count(A(307)).IsLong);
        Assert.True(SmsSegments.Count("😀" + A(133)).IsLong);
    }
}
