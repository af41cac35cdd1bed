using System.Reflection;
using Engine.Contracts;
using Engine.Domain.Events;
using Engine.Silo.Kafka;

namespace Engine.Silo.Tests;

/// <summary>The one event-type → topic mapping every producer uses, against what the silo reads.</summary>
[Trait("Category", "Unit")]
public sealed class EventStreamsTests
{
    /// <summary>Every type of the contract, read from <see cref="EventTypes"/> so a new one cannot be forgotten here.</summary>
    public static TheoryData<string> ContractTypes()
    {
        var types = typeof(EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!);
        return [.. types];
    }

    [Theory]
    [MemberData(nameof(ContractTypes))]
    public void Every_event_type_goes_to_a_topic_the_silo_reads_by_default(string type)
    {
        var topics = new KafkaTopics();

        Assert.Contains(topics.TopicOf(type), topics.Inbound);
    }

    [Theory]
    [InlineData(EventTypes.Purchase)]
    [InlineData(EventTypes.Refund)]
    [InlineData(EventTypes.PointsRedeemed)]
    [InlineData(EventTypes.PointsAdjusted)]
    public void Refunds_and_points_events_go_with_the_purchases_they_follow(string type)
    {
        Assert.Equal(EventStream.Purchases, EventStreams.Of(type));
        Assert.Equal(DefaultTopics.Purchases, new KafkaTopics().TopicOf(type));
    }

    [Fact]
    public void Clicks_and_profiles_have_their_own_topics()
    {
        var topics = new KafkaTopics();

        Assert.Equal(DefaultTopics.Clicks, topics.TopicOf(EventTypes.Click));
        Assert.Equal(DefaultTopics.Customers, topics.TopicOf(EventTypes.Customer));
    }

    [Fact]
    public void Configured_topic_names_are_used()
    {
        var topics = new KafkaTopics { Purchases = "shop.orders", Clicks = "shop.clicks", Customers = "shop.profiles" };

        Assert.Equal("shop.orders", topics.TopicOf(EventTypes.Refund));
        Assert.Equal("shop.clicks", topics.TopicOf(EventTypes.Click));
        Assert.Equal(["shop.orders", "shop.clicks", "shop.profiles"], topics.Inbound);
    }

    [Fact]
    public void Each_stream_has_its_own_default_topic()
    {
        var inbound = new KafkaTopics().Inbound;

        Assert.Equal(EventStreams.All.Count, inbound.Distinct().Count());
        Assert.Equal([DefaultTopics.Purchases, DefaultTopics.Clicks, DefaultTopics.Customers], inbound);
    }

    [Theory]
    [InlineData("review")]
    [InlineData("Purchase")]
    [InlineData("")]
    public void Unknown_type_is_a_clear_error(string type)
    {
        var error = Assert.Throws<ArgumentException>(() => new KafkaTopics().TopicOf(type));

        Assert.Contains($"Unknown event type \"{type}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(EventTypes.PointsAdjusted, error.Message, StringComparison.Ordinal);
        Assert.False(EventStreams.TryOf(type, out _));
    }

    [Fact]
    public void Missing_type_cannot_be_routed()
    {
        Assert.False(EventStreams.TryOf(null, out _));
        Assert.Throws<ArgumentNullException>(() => EventStreams.Of(null!));
    }
}
