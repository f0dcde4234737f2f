using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Payouts;

public enum PayoutAccountStatus
{
    NotStarted,
    Onboarding,
    Enabled,
    Restricted,
}

public sealed record PayoutAccountEnabled(UserId TrainerId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>The account was started, or its status, payouts or requirements changed.</summary>
public sealed record PayoutAccountUpdated(UserId TrainerId, PayoutAccountStatus Status, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>The trainer's Stripe Connect account, as far as payouts are concerned.</summary>
public sealed class TrainerPayoutAccount : AggregateRoot<UserId>
{
    private readonly List<string> _requirementsDue = [];

    private TrainerPayoutAccount()
    {
        Country = string.Empty;
    }

    public string? ConnectedAccountId { get; private set; }

    public string Country { get; private set; }

    public bool PayoutsEnabled { get; private set; }

    public PayoutAccountStatus Status { get; private set; }

    public IReadOnlyList<string> RequirementsDue => _requirementsDue;

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public static TrainerPayoutAccount Start(UserId trainerId, string country, string connectedAccountId, DateTimeOffset now)
    {
        var account = new TrainerPayoutAccount
        {
            Id = trainerId,
            Country = country.ToUpperInvariant(),
            ConnectedAccountId = connectedAccountId,
            Status = PayoutAccountStatus.Onboarding,
            CreatedAt = now,
            UpdatedAt = now,
        };
        account.Raise(new PayoutAccountUpdated(trainerId, account.Status, now));
        return account;
    }

    /// <summary>
    /// Applies what the provider reports of the account. Becoming enabled raises
    /// <see cref="PayoutAccountEnabled"/>, which wakes the trainer's pending payouts.
    /// </summary>
    public void ApplyProviderStatus(bool payoutsEnabled, bool transfersActive, IEnumerable<string> requirementsDue, bool detailsSubmitted, DateTimeOffset now)
    {
        var wasEnabled = Status == PayoutAccountStatus.Enabled;
        var before = (Status, PayoutsEnabled, Requirements: string.Join('\n', _requirementsDue));
        PayoutsEnabled = payoutsEnabled;
        _requirementsDue.Clear();
        _requirementsDue.AddRange(requirementsDue);
        Status = (payoutsEnabled && transfersActive) switch
        {
            true => PayoutAccountStatus.Enabled,
            false when detailsSubmitted => PayoutAccountStatus.Restricted,
            false => PayoutAccountStatus.Onboarding,
        };
        UpdatedAt = now;
        if (before != (Status, PayoutsEnabled, string.Join('\n', _requirementsDue)))
        {
            Raise(new PayoutAccountUpdated(Id, Status, now));
        }

        if (!wasEnabled && Status == PayoutAccountStatus.Enabled)
        {
            Raise(new PayoutAccountEnabled(Id, now));
        }
    }

    public bool CanReceiveTransfers => Status == PayoutAccountStatus.Enabled && ConnectedAccountId is not null;
}
