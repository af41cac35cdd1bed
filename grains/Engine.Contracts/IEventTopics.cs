namespace Engine.Contracts;

/// <summary>
/// The topic name of each inbound <see cref="EventStream"/>, as configured or defaulted. Send
/// an event with <see cref="EventStreams.TopicOf(IEventTopics, string)"/> rather than picking a
/// property by hand, so every producer routes each type the same way.
/// </summary>
public interface IEventTopics
{
    /// <summary>Topic of <see cref="EventStream.Purchases"/>.</summary>
    string Purchases { get; }

    /// <summary>Topic of <see cref="EventStream.Clicks"/>.</summary>
    string Clicks { get; }

    /// <summary>Topic of <see cref="EventStream.Customers"/>.</summary>
    string Customers { get; }
}
