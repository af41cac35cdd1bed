using System.Net;
using Engine.Silo.Sms.Callbacks;
using Microsoft.Extensions.Primitives;

namespace Engine.Silo.Tests.Sms;

/// <summary>The token and source check in front of the Kannel callbacks, as pure code.</summary>
[Trait("Category", "Unit")]
public sealed class CallbackGateTests
{
    private const string Token = "kannel-callback-token-0123";
    private static readonly IPAddress Kannel = IPAddress.Parse("10.1.2.3");

    [Fact]
    public void The_right_token_is_admitted() =>
        Assert.Equal(CallbackRefusal.None, Gate().Check(Token, Kannel));

    [Fact]
    public void A_request_without_a_token_is_refused() =>
        Assert.Equal(CallbackRefusal.NoToken, Gate().Check(StringValues.Empty, Kannel));

    [Fact]
    public void An_empty_token_is_refused() =>
        Assert.Equal(CallbackRefusal.NoToken, Gate().Check("", Kannel));

    [Fact]
    public void Two_tokens_are_refused_even_when_one_is_right() =>
        Assert.Equal(CallbackRefusal.NoToken, Gate().Check(new StringValues([Token, "x"]), Kannel));

    [Theory]
    [InlineData("kannel-callback-token-0124")]
    [InlineData("kannel-callback-token-012")]
    [InlineData("kannel-callback-token-01234")]
    [InlineData("KANNEL-CALLBACK-TOKEN-0123")]
    [InlineData("x")]
    public void A_wrong_token_is_refused(string forged) =>
        Assert.Equal(CallbackRefusal.WrongToken, Gate().Check(forged, Kannel));

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("10.1.2.200")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("192.168.7.7")]
    public void A_source_in_the_allow_list_is_admitted(string source) =>
        Assert.Equal(CallbackRefusal.None, Gate("10.1.2.0/24", "192.168.7.7").Check(Token, IPAddress.Parse(source)));

    [Theory]
    [InlineData("10.1.3.3")]
    [InlineData("192.168.7.8")]
    [InlineData("::1")]
    public void A_source_outside_the_allow_list_is_refused_whatever_its_token(string source) =>
        Assert.Equal(CallbackRefusal.Source, Gate("10.1.2.0/24", "192.168.7.7").Check(Token, IPAddress.Parse(source)));

    [Fact]
    public void An_unknown_source_is_refused_when_there_is_an_allow_list() =>
        Assert.Equal(CallbackRefusal.Source, Gate("10.1.2.0/24").Check(Token, null));

    [Fact]
    public void Without_a_configured_token_any_caller_in_the_allow_list_is_admitted()
    {
        var gate = CallbackGate.From(new SmsCallbackOptions { AllowedSources = ["127.0.0.1"] });

        Assert.False(gate.RequiresToken);
        Assert.Equal(CallbackRefusal.None, gate.Check(StringValues.Empty, IPAddress.Loopback));
        Assert.Equal(CallbackRefusal.Source, gate.Check(StringValues.Empty, Kannel));
    }

    [Fact]
    public void Refusal_labels_are_a_fixed_set() =>
        Assert.Equal(["none", "source", "no-token", "wrong-token"], Enum.GetValues<CallbackRefusal>().Select(r => r.Label()));

    private static CallbackGate Gate(params string[] allowed) =>
        CallbackGate.From(new SmsCallbackOptions { Token = Token, AllowedSources = [.. allowed] });
}
