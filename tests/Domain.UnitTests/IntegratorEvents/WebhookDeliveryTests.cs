using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.IntegratorEvents;

namespace OpenTrain.Clean.Domain.UnitTests.IntegratorEvents;

public sealed class WebhookDeliveryTests
{
    [Fact]
    public void RecordFailure_WhenAttemptsRemain_WaitsOneFiveThirtyThenOneHundredTwentyMinutes()
    {
        var delivery = NewDelivery();
        var at = Moments.Now;
        var waits = new List<TimeSpan>();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.False(delivery.RecordFailure(500, 12, "The endpoint answered HTTP 500.", at));
            waits.Add(delivery.NextAttemptAt!.Value - at);
            at = delivery.NextAttemptAt.Value;
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(120)], waits);
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(4, delivery.Attempts);
    }

    [Fact]
    public void RecordFailure_OnTheFifthAttempt_FailsTheDeliveryWithNoNextAttempt()
    {
        var delivery = NewDelivery();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            delivery.RecordFailure(null, 10_000, "No answer within 10 s.", Moments.Now.AddHours(attempt));
        }

        var failed = delivery.RecordFailure(503, 20, "The endpoint answered HTTP 503.", Moments.Later);

        Assert.True(failed);
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Equal(5, delivery.History.Count);
        Assert.Equal(new WebhookDeliveryAttempt(5, Moments.Later, 503, 20, "The endpoint answered HTTP 503."), delivery.LastAttempt);
    }

    [Fact]
    public void RecordSuccess_WhenPending_IsDeliveredAndLogsTheAttempt()
    {
        var delivery = NewDelivery();
        delivery.RecordFailure(500, 8, "The endpoint answered HTTP 500.", Moments.Now);

        delivery.RecordSuccess(204, 31, Moments.Later);

        Assert.Equal(WebhookDeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(Moments.Later, delivery.DeliveredAt);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Equal([500, 204], delivery.History.Select(a => a.ResponseStatus));
        Assert.Equal([1, 2], delivery.History.Select(a => a.Number));
    }

    [Fact]
    public void RecordSuccess_WhenAlreadyDelivered_RefusesWithDeliveryNotPending()
    {
        var delivery = NewDelivery();
        delivery.RecordSuccess(200, 5, Moments.Now);

        var error = Assert.Throws<DomainException>(() => delivery.RecordSuccess(200, 5, Moments.Later));

        Assert.Equal(WebhookEndpointErrors.DeliveryNotPending, error.Code);
        Assert.Single(delivery.History);
    }

    [Fact]
    public void Redeliver_WhenFailed_QueuesTheSameDeliveryWithFreshAttemptsAndKeepsItsHistory()
    {
        var delivery = NewDelivery();
        var id = delivery.Id;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            delivery.RecordFailure(500, 1, "The endpoint answered HTTP 500.", Moments.Now.AddHours(attempt));
        }

        delivery.Redeliver(Moments.Later);

        Assert.Equal(id, delivery.Id);
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(0, delivery.Attempts);
        Assert.True(delivery.IsDue(Moments.Later));
        Assert.Equal(5, delivery.History.Count);
        Assert.False(delivery.RecordFailure(500, 1, "again", Moments.Later));
        Assert.Equal(Moments.Later.AddMinutes(1), delivery.NextAttemptAt);
    }

    [Fact]
    public void FailBecauseEndpointDisabled_WhenPending_FailsWithoutAnAttempt()
    {
        var delivery = NewDelivery();

        delivery.FailBecauseEndpointDisabled();

        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Empty(delivery.History);
        Assert.False(delivery.IsDue(Moments.Later));
    }

    private static WebhookDelivery NewDelivery() =>
        WebhookDelivery.Queue(WebhookEndpointId.New(), IntegratorEventId.New(), "milestone.funded", 7, Moments.Now);
}
