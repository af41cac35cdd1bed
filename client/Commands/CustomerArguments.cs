using System.CommandLine;

namespace Engine.Client.Commands;

/// <summary>Arguments several commands take the same way.</summary>
public static class CustomerArguments
{
    /// <summary>The customer id, the key of the customer's grain; blank is a usage error.</summary>
    public static Argument<string> Id(string name = "ID")
    {
        var customerId = new Argument<string>(name) { Description = "The customer id (the customer grain's key)" };
        customerId.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("The customer id must not be empty.");
            }
        });
        return customerId;
    }
}
