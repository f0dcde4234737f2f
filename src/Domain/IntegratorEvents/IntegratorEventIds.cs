using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.IntegratorEvents;

public readonly record struct IntegratorEventId(Guid Value) : ITypedId
{
    public static IntegratorEventId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct WebhookEndpointId(Guid Value) : ITypedId
{
    public static WebhookEndpointId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>The <c>OpenTrain-Delivery</c> id: one per event and endpoint, the same on every retry.</summary>
public readonly record struct WebhookDeliveryId(Guid Value) : ITypedId
{
    public static WebhookDeliveryId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}
