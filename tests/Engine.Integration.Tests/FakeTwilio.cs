using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Engine.Integration.Tests;

/// <summary>
/// A stand-in for Twilio's Messages API on loopback: checks Basic auth and the form, answers
/// 201 with a message resource, or Twilio's error bodies for a few reserved numbers.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "fake-auth-token";
    public const string TooManyRequests = "+15550000429";
    public const string ServerError = "+15550000500";
    public const string InvalidNumber = "+15550000400";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<IFormCollection> _requests = new();

    private FakeTwilio(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The forms of the requests that passed authentication.</summary>
    public IReadOnlyList<IFormCollection> Requests => [.. _requests];

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (string account, HttpRequest request) =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
            if (account != AccountSid || request.Headers.Authorization != expected)
            {
                return Error(401, 20003, "Authenticate");
            }

            var form = await request.ReadFormAsync();
            fake._requests.Enqueue(new FormCollection(form.ToDictionary(f => f.Key, f => f.Value)));
            var to = form["To"].ToString();
            if (to.Length == 0 || form["Body"].ToString().Length == 0 || (form["From"].Count == 0 == (form["MessagingServiceSid"].Count == 0)))
            {
                return Error(400, 21604, "A 'To' phone number, a Body and exactly one of From or MessagingServiceSid are required.");
            }

            return to switch
            {
                TooManyRequests => Error(429, 20429, "Too Many Requests"),
                ServerError => Results.Text("upstream trouble", statusCode: 500),
                InvalidNumber => Error(400, 21211, $"The 'To' number {to} is not a valid phone number."),
                _ => Results.Json(
                    new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued", to, body = form["Body"].ToString(), num_segments = "1" },
                    statusCode: 201),
            };
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.Single().TrimEnd('/');
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, statusCode: status);
}
