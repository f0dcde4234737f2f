namespace OpenTrain.Clean.Application.Common.Exceptions;

/// <summary>
/// Stable codes of the refusals that use cases raise themselves (the domain's own codes live beside
/// its rules). Each becomes the <c>code</c> of a problem response, and the OpenAPI document lists them.
/// </summary>
public static class ApplicationErrors
{
    public const string TrainerNotFound = "trainer_not_found";
    public const string RefundFailed = "refund_failed";
    public const string RoleMismatch = "role_mismatch";
    public const string PayoutCountryUnsupported = "payout_country_unsupported";
    public const string PayoutAccountExists = "payout_account_exists";
    public const string PayoutAccountNotStarted = "payout_account_not_started";
    public const string NoActiveSubscription = "no_active_subscription";
    public const string WebhookUrlRefused = "webhook_url_refused";
    public const string DeliveryNotFound = "delivery_not_found";
    public const string EventNotFound = "event_not_found";
}
