using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Engine.Integration.Tests.Kannel;

/// <summary>
/// A tiny HTTP server on loopback standing in for the silo's callback endpoints: it answers
/// every request 200 with an empty body and keeps what it received.
/// </summary>
public sealed class CallbackRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private CallbackRecorder(WebApplication app)
    {
        _app = app;
    }

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IEnumerable<RecordedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path);

    public static async Task<CallbackRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var recorder = new CallbackRecorder(app);
        app.Run(async context =>
        {
            var request = context.Request;
            IFormCollection form = request.HasFormContentType ? Copy(await request.ReadFormAsync()) : FormCollection.Empty;
            var query = new QueryCollection(request.Query.ToDictionary(field => field.Key, field => field.Value));
            recorder._requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", query, form, DateTimeOffset.UtcNow));
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        recorder.BaseUrl = app.Urls.Single().TrimEnd('/');
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static FormCollection Copy(IFormCollection form) =>
        new(form.ToDictionary(field => field.Key, field => field.Value));
}

/// <summary>One request the recorder received; query and form are copies that outlive the request.</summary>
public sealed record RecordedRequest(
    string Method, string Path, string RawQuery, IQueryCollection Query, IFormCollection Form, DateTimeOffset ReceivedAt)
{
    public string? Get(string name) => Query.TryGetValue(name, out StringValues value) ? value.ToString() : null;
}
