using System.CommandLine;

namespace Engine.Client.Commands;

/// <summary><c>sms log</c> and <c>sms send-test</c>: a customer's text messages.</summary>
public static class SmsCommand
{
    public static Command Create(EngineAddressOptions engine)
    {
        var sms = new Command("sms", "Look at a customer's text messages, or queue a test message.");
        sms.Add(SmsLogCommand.Create(engine));
        sms.Add(SmsSendTestCommand.Create(engine));
        return sms;
    }
}
