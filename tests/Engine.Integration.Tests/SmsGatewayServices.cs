using Engine.Silo.Sms.Gateways;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engine.Integration.Tests;

/// <summary>
/// What the SMS gateway tests share: gateways built as the silo builds them, through
/// <see cref="SmsGatewayRegistration.AddSmsGateway"/>, and callback queries as the silo receives them.
/// </summary>
internal static class SmsGatewayServices
{
    /// <summary>The gateway's services as the silo registers them, logging everything to <paramref name="logs"/> if given.</summary>
    public static ServiceProvider Services(IDictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddSmsGateway(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A callback's query string as ASP.NET Core hands it to the parsers.</summary>
    public static QueryCollection Query(string query) => new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
}
