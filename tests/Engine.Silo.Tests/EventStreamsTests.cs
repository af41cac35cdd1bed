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
    public void EveryEventTypeGoesToATopicTheSiloReadsByDefault(string type)
    {
        var topics = new KafkaTopics();

        Assert.Contains(topics.TopicOf(type), topics.Inbound);
    }

    [Theory]
    [InlineData(EventTypes.Purchase)]
    [InlineData(EventTypes.Refund)]
    [InlineData(EventTypes.PointsRedeemed)]
    [InlineData(EventTypes.PointsAdjusted)]
    public void RefundsAndPointsEventsGoWithThePurchasesTheyFollow(string type)
    {
        Assert.Equal(EventStream.Purchases, EventStreams.Of(type));
        Assert.Equal(DefaultTopics.Purchases, new KafkaTopics().TopicOf(type));
    }

    [Fact]
    public void ClicksAndProfilesHaveTheirOwnTopics()
    {
        var topics = new KafkaTopics();

        Assert.Equal(DefaultTopics.Clicks, topics.TopicOf(EventTypes.Click));
        Assert.Equal(DefaultTopics.Customers, topics.TopicOf(EventTypes.Customer));
    }

    [Fact]
    public void ConfiguredTopicNamesAreUsed()
    {
        var topics = new KafkaTopics { Purchases = "shop.orders", Clicks = "shop.clicks", Customers = "shop.profiles" };

        Assert.Equal("shop.orders", topics.TopicOf(EventTypes.Refund));
        Assert.Equal("shop.clicks", topics.TopicOf(EventTypes.Click));
        Assert.Equal(["shop.orders", "shop.clicks", "shop.profiles"], topics.Inbound);
    }

    [Fact]
    public void EachStreamHasItsOwnDefaultTopic()
    {
        var inbound = new KafkaTopics().Inbound;

        Assert.Equal(EventStreams.All.Count, inbound.Distinct().Count());
        Assert.Equal([DefaultTopics.Purchases, DefaultTopics.Clicks, DefaultTopics.Customers], inbound);
    }

    [Theory]
    [InlineData("review")]
    [InlineData("Purchase")]
    [InlineData("")]
    public void UnknownTypeIsAClearError(string type)
    {
        var error = Assert.Throws<ArgumentException>(() => new KafkaTopics().TopicOf(type));

        Assert.Contains($"Unknown event type \"{type}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(EventTypes.PointsAdjusted, error.Message, StringComparison.Ordinal);
        Assert.False(EventStreams.TryOf(type, out _));
    }

    [Fact]
    public void MissingTypeCannotBeRouted()
    {
        Assert.False(EventStreams.TryOf(null, out _));
        Assert.Throws<ArgumentNullException>(() => EventStreams.Of(null!));
    }
}
