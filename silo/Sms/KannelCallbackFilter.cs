using Engine.Silo.Metrics;
using Engine.Silo.Sms.Callbacks;

namespace Engine.Silo.Sms;

/// <summary>
/// Runs before the Kannel callback handlers: a refused request gets 403 before any grain is
/// activated or any field read, is counted by route and reason, and is logged with neither
/// the token nor the number.
/// </summary>
internal sealed partial class KannelCallbackFilter(string route) : IEndpointFilter
{
    public const string InboundRoute = "kannel-inbound";
    public const string DeliveryReportRoute = "kannel-dlr";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var gate = http.RequestServices.GetRequiredService<CallbackGate>();
        var refusal = gate.Check(http.Request.Query[SmsCallbackOptions.TokenParameter], http.Connection.RemoteIpAddress);
        if (refusal == CallbackRefusal.None)
        {
            return await next(context);
        }

        http.RequestServices.GetRequiredService<EngineMetrics>().CallbacksRefused.WithLabels(route, refusal.Label()).Inc();
        LogRefused(http.RequestServices.GetRequiredService<ILogger<KannelCallbackFilter>>(), route, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", refusal.Label());
        return Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Route} callback from {Source}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string route, string source, string reason);
}
