using Engine.Silo.Hosting;
using Engine.Silo.Sms;
using Engine.Silo.Sms.Callbacks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Engine.Silo.Tests.Configuration;

[Trait("Category", "Unit")]
public sealed class SmsCallbackOptionsValidatorTests
{
    private const string Token = "kannel-callback-token-0123";

    [Fact]
    public void Defaults_are_valid_on_the_file_gateway() => Assert.Empty(Validator("file").Problems(new SmsCallbackOptions()));

    [Fact]
    public void Kannel_without_a_token_is_refused_when_http_listens_beyond_loopback()
    {
        var problem = Assert.Single(Validator("kannel", ("Urls", "http://0.0.0.0:5080")).Problems(new SmsCallbackOptions()));

        Assert.StartsWith("Sms:Callbacks:Token must be set (environment Sms__Callbacks__Token)", problem, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", problem, StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:5080", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Urls", "http://*:5080")]
    [InlineData("Urls", "http://127.0.0.1:5080;http://+:5081")]
    [InlineData("http_ports", "8080")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://[::]:5080")]
    [InlineData("Urls", "http://engine.example.com:5080")]
    public void Every_way_of_listening_beyond_loopback_needs_a_token(string key, string value) =>
        Assert.Single(Validator("kannel", (key, value)).Problems(new SmsCallbackOptions()));

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080;http://[::1]:5081")]
    public void Kannel_without_a_token_may_start_on_loopback(string urls) =>
        Assert.Empty(Validator("kannel", ("Urls", urls)).Problems(new SmsCallbackOptions()));

    [Fact]
    public void Kannel_without_a_token_may_start_on_the_default_listener() =>
        Assert.Empty(Validator("kannel").Problems(new SmsCallbackOptions()));

    [Fact]
    public void Kannel_with_a_token_may_listen_anywhere() =>
        Assert.Empty(Validator("kannel", ("Urls", "http://0.0.0.0:5080")).Problems(new SmsCallbackOptions { Token = Token }));

    [Theory]
    [InlineData("short-token", "Sms:Callbacks:Token must be at least 16 characters, got 11")]
    [InlineData("kannel-token-with-%d-escape", "Sms:Callbacks:Token must hold only letters, digits, '-', '_' and '.' (Kannel expands % in URLs), got other characters")]
    public void A_token_kannel_would_mangle_or_anyone_could_guess_is_refused_without_showing_it(string token, string problem)
    {
        var problems = Validator("kannel").Problems(new SmsCallbackOptions { Token = token });

        Assert.Equal([problem], problems);
        Assert.DoesNotContain(token, problems.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/24")]
    [InlineData("kannel.example.com")]
    public void An_allowed_source_that_is_not_an_address_or_range_is_refused(string source)
    {
        var options = Configured.Bind<SmsCallbackOptions>(SmsCallbackOptions.SectionName, ("Token", Token), ("AllowedSources:0", "10.0.0.7"), ("AllowedSources:1", source));

        Assert.Equal([$"Sms:Callbacks:AllowedSources:1 must be an IP address or a CIDR range with no host bits (10.0.0.0/24), got \"{source}\""], Validator("kannel").Problems(options));
    }

    [Fact]
    public void The_token_never_shows_in_the_options_text() =>
        Assert.Equal("Token=***, AllowedSources=[10.0.0.0/24]", new SmsCallbackOptions { Token = Token, AllowedSources = ["10.0.0.0/24"] }.ToString());

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("https://127.0.0.2:5443", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.0.0.5:5080", false)]
    public void A_listener_url_is_loopback_only_for_localhost_and_loopback_addresses(string url, bool loopback) =>
        Assert.Equal(loopback, HttpListenerAddresses.IsLoopback(url));

    private static SmsCallbackOptionsValidator Validator(string provider, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new SmsCallbackOptionsValidator(configuration, Options.Create(new SmsGatewayOptions { Provider = provider }));
    }
}
