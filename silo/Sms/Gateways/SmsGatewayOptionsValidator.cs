using Microsoft.Extensions.Options;

namespace Engine.Silo.Sms.Gateways;

/// <summary>Refuses to start with a gateway configuration that could not send anything.</summary>
public sealed class SmsGatewayOptionsValidator : IValidateOptions<SmsGatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsGatewayOptions options)
    {
        var errors = new List<string>();
        switch (options.Provider.ToLowerInvariant())
        {
            case SmsGatewayProviders.File:
                Require(errors, options.File.Path.Length > 0, "Sms:Gateway:File:Path is empty (use \"-\" for the console)");
                break;
            case SmsGatewayProviders.Kannel:
                var kannel = options.Kannel;
                Require(errors, IsHttpUrl(kannel.SendUrl), "Sms:Gateway:Kannel:SendUrl must be an absolute http(s) URL");
                Require(errors, kannel.Username.Length > 0 && kannel.Password.Length > 0, "Sms:Gateway:Kannel:Username and Password are required (a sendsms-user)");
                Require(errors, kannel.DlrMask is >= 0 and <= 31, "Sms:Gateway:Kannel:DlrMask must be between 0 and 31");
                Require(errors, kannel.DlrMask == 0 || IsHttpUrl(kannel.DlrUrl), "Sms:Gateway:Kannel:DlrUrl must be an absolute http(s) URL when DlrMask is set");
                Require(errors, kannel.Timeout > TimeSpan.Zero, "Sms:Gateway:Kannel:Timeout must be positive");
                Require(errors, kannel.ConnectTimeout > TimeSpan.Zero, "Sms:Gateway:Kannel:ConnectTimeout must be positive");
                break;
            case SmsGatewayProviders.Twilio:
                var twilio = options.Twilio;
                Require(errors, IsHttpUrl(twilio.BaseUrl), "Sms:Gateway:Twilio:BaseUrl must be an absolute http(s) URL");
                Require(errors, twilio.AccountSid.Length > 0 && twilio.AuthToken.Length > 0, "Sms:Gateway:Twilio:AccountSid and AuthToken are required");
                Require(errors, options.From.Length > 0 || !string.IsNullOrEmpty(twilio.MessagingServiceSid), "Sms:Gateway:From or Sms:Gateway:Twilio:MessagingServiceSid is required");
                Require(errors, twilio.StatusCallbackUrl.Length == 0 || IsHttpUrl(twilio.StatusCallbackUrl), "Sms:Gateway:Twilio:StatusCallbackUrl must be an absolute http(s) URL");
                Require(errors, twilio.Timeout > TimeSpan.Zero, "Sms:Gateway:Twilio:Timeout must be positive");
                Require(errors, twilio.ConnectTimeout > TimeSpan.Zero, "Sms:Gateway:Twilio:ConnectTimeout must be positive");
                break;
            default:
                errors.Add($"Sms:Gateway:Provider \"{options.Provider}\" is not one of file, kannel, twilio");
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Require(List<string> errors, bool condition, string error)
    {
        if (!condition)
        {
            errors.Add(error);
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
