using System.CommandLine;

namespace Engine.Client.Commands;

/// <summary>The command tree of engine-admin.</summary>
public static class EngineAdminCommand
{
    public static RootCommand Create()
    {
        var engine = new EngineAddressOptions();
        var root = new RootCommand("Admin tool for the engagement engine: look at customers, their SMS and the whole customer base, record SMS consent, feed events to its Kafka topics, inspect and replay dead letters, see the cluster. Exit codes: 0 done, 1 failed, 2 bad arguments, 3 engine unreachable (docs/admin.md).");
        engine.AddTo(root);

        var customer = new Command("customer", "Look at customers as the engine sees them.");
        customer.Add(CustomerShowCommand.Create(engine));
        customer.Add(CustomerFindCommand.Create(engine));
        root.Add(customer);
        root.Add(CustomersCommand.Create(engine));
        root.Add(TiersCommand.Create(engine));
        root.Add(SegmentsCommand.Create(engine));
        root.Add(ProjectionCommand.Create(engine));
        root.Add(SmsCommand.Create(engine));
        root.Add(ExperimentsCommand.Create(engine));
        root.Add(ModelCommand.Create(engine));
        root.Add(SmsConsentCommand.OptOut(engine));
        root.Add(SmsConsentCommand.OptIn(engine));
        root.Add(ProduceCommand.Create(engine));
        root.Add(ImportCommand.Create(engine));
        root.Add(DlqCommand.Create(engine));
        root.Add(LoadgenCommand.Create(engine));
        root.Add(StatusCommand.Create(engine));
        return root;
    }
}
