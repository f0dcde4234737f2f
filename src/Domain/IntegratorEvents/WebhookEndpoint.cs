using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.IntegratorEvents;

public enum WebhookEndpointStatus
{
    Active,
    Disabled,
}

public enum WebhookEndpointDisabledReason
{
    /// <summary>The owner paused it (PATCH status disabled).</summary>
    DisabledByOwner,

    /// <summary><see cref="WebhookEndpoint.FailedDeliveriesBeforeDisable"/> deliveries in a row failed.</summary>
    ConsecutiveFailures,
}

public sealed record WebhookEndpointDisabled(WebhookEndpointId EndpointId, UserId OwnerId, string Url, WebhookEndpointDisabledReason Reason, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>
/// A URL of an account (employer or trainer) that receives its events, signed with the endpoint's
/// secret. At most <see cref="MaxPerAccount"/> per account: each holds one numbered slot.
/// </summary>
public sealed class WebhookEndpoint : AggregateRoot<WebhookEndpointId>
{
    public const int MaxPerAccount = 10;
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 500;

    /// <summary>Subscribes to every event type, present and future.</summary>
    public const string AllEventTypes = "*";

    /// <summary>Deliveries that end failed, one after the other, before the endpoint is disabled.</summary>
    public const int FailedDeliveriesBeforeDisable = 10;

    private readonly List<string> _eventTypes = [];

    private WebhookEndpoint()
    {
        Url = string.Empty;
        Secret = string.Empty;
    }

    public UserId OwnerId { get; private set; }

    /// <summary>1 to <see cref="MaxPerAccount"/>, unique per owner: the limit holds under concurrent creates.</summary>
    public int Slot { get; private set; }

    public string Url { get; private set; }

    public IReadOnlyList<string> EventTypes => _eventTypes;

    public string? Description { get; private set; }

    public WebhookEndpointStatus Status { get; private set; }

    public DateTimeOffset? DisabledAt { get; private set; }

    public WebhookEndpointDisabledReason? DisabledReason { get; private set; }

    /// <summary>Deliveries that ended failed since the last successful one.</summary>
    public int ConsecutiveFailures { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The signing secret (<c>whsec_...</c>): shown once, at creation or roll.</summary>
    public string Secret { get; private set; }

    /// <summary>The secret before the last roll, still signing until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecret { get; private set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }

    public static WebhookEndpoint Create(UserId ownerId, int slot, string url, IEnumerable<string> eventTypes, string? description, string secret, DateTimeOffset now)
    {
        if (slot is < 1 or > MaxPerAccount)
        {
            throw new DomainException(WebhookEndpointErrors.LimitReached, $"An account has at most {MaxPerAccount} webhook endpoints.");
        }

        var endpoint = new WebhookEndpoint
        {
            Id = WebhookEndpointId.New(),
            OwnerId = ownerId,
            Slot = slot,
            Status = WebhookEndpointStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        endpoint.SetUrl(url);
        endpoint.SetEventTypes(eventTypes);
        endpoint.SetDescription(description);
        endpoint.SetSecret(secret);
        return endpoint;
    }

    public bool Subscribes(string eventType) =>
        _eventTypes.Contains(AllEventTypes, StringComparer.Ordinal) || _eventTypes.Contains(eventType, StringComparer.Ordinal);

    /// <summary>The secrets a delivery is signed with now: the current one, and the previous one during a roll's overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret, PreviousSecret] : [Secret];

    public void ChangeUrl(string url, DateTimeOffset now)
    {
        SetUrl(url);
        UpdatedAt = now;
    }

    public void ChangeEventTypes(IEnumerable<string> eventTypes, DateTimeOffset now)
    {
        SetEventTypes(eventTypes);
        UpdatedAt = now;
    }

    public void ChangeDescription(string? description, DateTimeOffset now)
    {
        SetDescription(description);
        UpdatedAt = now;
    }

    /// <summary>Re-enables a disabled endpoint with a clean failure count; deliveries resume with new events.</summary>
    public void Enable(DateTimeOffset now)
    {
        if (Status == WebhookEndpointStatus.Active)
        {
            return;
        }

        Status = WebhookEndpointStatus.Active;
        DisabledAt = null;
        DisabledReason = null;
        ConsecutiveFailures = 0;
        UpdatedAt = now;
    }

    /// <summary>The owner pauses the endpoint: no deliveries are made to it until it is enabled again.</summary>
    public void Disable(DateTimeOffset now)
    {
        if (Status == WebhookEndpointStatus.Disabled)
        {
            return;
        }

        DisableFor(WebhookEndpointDisabledReason.DisabledByOwner, now);
    }

    /// <summary>
    /// Replaces the signing secret. The old one keeps signing (deliveries carry a <c>v1</c> for each)
    /// until <paramref name="overlap"/> has passed, so a receiver can switch without losing a delivery.
    /// </summary>
    public void RollSecret(string newSecret, TimeSpan overlap, DateTimeOffset now)
    {
        var old = Secret;
        SetSecret(newSecret);
        PreviousSecret = overlap > TimeSpan.Zero ? old : null;
        PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now.Add(overlap) : null;
        UpdatedAt = now;
    }

    public void RecordDeliverySucceeded(DateTimeOffset now)
    {
        if (ConsecutiveFailures != 0)
        {
            ConsecutiveFailures = 0;
            UpdatedAt = now;
        }
    }

    /// <summary>
    /// A delivery used up its attempts. The <see cref="FailedDeliveriesBeforeDisable"/>th in a row
    /// disables the endpoint and tells its owner (<see cref="WebhookEndpointDisabled"/>).
    /// </summary>
    /// <returns>Whether this failure disabled the endpoint.</returns>
    public bool RecordDeliveryFailed(DateTimeOffset now)
    {
        ConsecutiveFailures++;
        UpdatedAt = now;
        if (Status == WebhookEndpointStatus.Active && ConsecutiveFailures >= FailedDeliveriesBeforeDisable)
        {
            DisableFor(WebhookEndpointDisabledReason.ConsecutiveFailures, now);
            return true;
        }

        return false;
    }

    private void DisableFor(WebhookEndpointDisabledReason reason, DateTimeOffset now)
    {
        Status = WebhookEndpointStatus.Disabled;
        DisabledAt = now;
        DisabledReason = reason;
        UpdatedAt = now;
        Raise(new WebhookEndpointDisabled(Id, OwnerId, Url, reason, now));
    }

    private void SetUrl(string url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            throw new DomainException(WebhookEndpointErrors.InvalidUrl, $"A webhook endpoint URL is absolute and at most {MaxUrlLength} characters.");
        }

        Url = url;
    }

    private void SetEventTypes(IEnumerable<string> eventTypes)
    {
        var types = eventTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            throw new DomainException(WebhookEndpointErrors.EventTypesRequired, "A webhook endpoint subscribes to at least one event type, or to \"*\".");
        }

        _eventTypes.Clear();
        _eventTypes.AddRange(types.Contains(AllEventTypes, StringComparer.Ordinal) ? [AllEventTypes] : types);
    }

    private void SetDescription(string? description)
    {
        if (description?.Length > MaxDescriptionLength)
        {
            throw new DomainException(WebhookEndpointErrors.DescriptionTooLong, $"A description is at most {MaxDescriptionLength} characters.");
        }

        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
    }

    private void SetSecret(string secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("A signing secret is required.", nameof(secret));
        }

        Secret = secret;
    }
}

public static class WebhookEndpointErrors
{
    public const string LimitReached = "webhook_endpoint_limit_reached";
    public const string InvalidUrl = "webhook_url_invalid";
    public const string EventTypesRequired = "webhook_event_types_required";
    public const string DescriptionTooLong = "webhook_description_too_long";
    public const string EndpointDisabled = "webhook_endpoint_disabled";
    public const string DeliveryNotPending = "webhook_delivery_not_pending";
}
