using Engine.Grains.Effects;
using Engine.Silo.Sms.Gateways;

namespace Engine.Silo.Tests.Sms;

/// <summary>The delivery-report URL the Kannel gateway hands out carries the callback token.</summary>
[Trait("Category", "Unit")]
public sealed class KannelDlrUrlTests
{
    private static readonly OutgoingSms Sms = new("out-1", "cust-1", "+15550100001", "Hi", Unicode: false, Segments: 1);

    [Fact]
    public void The_token_is_appended_to_a_url_without_a_query() =>
        Assert.Equal(
            "http://10.0.0.5:5080/sms/kannel/dlr?token=kannel-callback-token-0123&msg=out-1&customer=cust-1&status=%d&ts=%T",
            KannelSmsGateway.DlrUrl("http://10.0.0.5:5080/sms/kannel/dlr", "kannel-callback-token-0123", Sms));

    [Fact]
    public void The_token_joins_a_query_already_in_the_url() =>
        Assert.Equal(
            "http://10.0.0.5:5080/sms/kannel/dlr?site=eu&token=kannel-callback-token-0123&msg=out-1&customer=cust-1&status=%d&ts=%T",
            KannelSmsGateway.DlrUrl("http://10.0.0.5:5080/sms/kannel/dlr?site=eu", "kannel-callback-token-0123", Sms));

    [Fact]
    public void Without_a_token_the_url_is_as_before() =>
        Assert.Equal(
            "http://127.0.0.1:5080/sms/kannel/dlr?msg=out-1&customer=cust-1&status=%d&ts=%T",
            KannelSmsGateway.DlrUrl("http://127.0.0.1:5080/sms/kannel/dlr", "", Sms));
}
