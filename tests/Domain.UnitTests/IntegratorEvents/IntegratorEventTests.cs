using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Domain.UnitTests.IntegratorEvents;

public sealed class IntegratorEventTests
{
    [Fact]
    public void Publish_WhenAlreadyPublished_RefusesAndKeepsItsPosition()
    {
        var integratorEvent = IntegratorEvent.Record(IntegratorEventId.New(), Parties.Employer, "milestone.funded", "milestone", Guid.NewGuid(), 1000, Moments.Now, "{}");
        integratorEvent.Publish(41);

        Assert.Throws<DomainException>(() => integratorEvent.Publish(42));
        Assert.Equal(41, integratorEvent.Position);
    }
}
