using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>The address rule is applied again where the sender connects: whatever a URL resolved to at registration.</summary>
public sealed class WebhookSenderAddressTests
{
    [Fact]
    public async Task SendAsync_OutsideDevelopmentToAnAddressThatIsLoopbackNow_RefusesWithoutConnecting()
    {
        await using var receiver = await WebhookReceiver.StartAsync(() => DateTimeOffset.UtcNow);
        using var sender = new WebhookSender(SenderPolicy.Production(), Options.Create(new IntegratorEventOptions()), TimeProvider.System);
        var https = new UriBuilder(receiver.Url) { Scheme = Uri.UriSchemeHttps }.Uri.ToString();

        var outcome = await sender.SendAsync(new WebhookMessage(https, Guid.NewGuid(), "milestone.funded", "{}", ["whsec_x"]), CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.Null(outcome.Status);
        Assert.Contains("loopback", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task SendAsync_OutsideDevelopmentToPlainHttp_RefusesWithoutConnecting()
    {
        await using var receiver = await WebhookReceiver.StartAsync(() => DateTimeOffset.UtcNow);
        using var sender = new WebhookSender(SenderPolicy.Production(), Options.Create(new IntegratorEventOptions()), TimeProvider.System);

        var outcome = await sender.SendAsync(new WebhookMessage(receiver.Url, Guid.NewGuid(), "milestone.funded", "{}", ["whsec_x"]), CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.Contains("https", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task SendAsync_InDevelopmentToLoopback_DeliversWithTheDocumentedHeaders()
    {
        await using var receiver = await WebhookReceiver.StartAsync(() => DateTimeOffset.UtcNow);
        receiver.Secrets.Add("whsec_x");
        using var sender = new WebhookSender(SenderPolicy.Development(), Options.Create(new IntegratorEventOptions()), TimeProvider.System);
        var deliveryId = Guid.NewGuid();

        var outcome = await sender.SendAsync(new WebhookMessage(receiver.Url, deliveryId, "payout.paid", "{\"id\":1}", ["whsec_x"]), CancellationToken.None);

        Assert.Equal((true, 200), (outcome.Delivered, outcome.Status));
        var received = Assert.Single(receiver.Received);
        Assert.Equal((deliveryId.ToString(), "payout.paid", "{\"id\":1}", true), (received.DeliveryId, received.EventType, received.Body, received.SignatureValid));
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", received.Signature);
    }
}
