using System.ComponentModel.DataAnnotations;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones;

/// <summary>A milestone: the deliverable, its money, and where it stands.</summary>
/// <param name="Id">Milestone id.</param>
/// <param name="Amount" example="50000">What the trainer is owed, in cents.</param>
/// <param name="Currency" example="USD">ISO 4217 currency.</param>
public sealed record MilestoneResponse(
    Guid Id,
    Guid ContractId,
    Guid JobId,
    Guid EmployerId,
    Guid TrainerId,
    int Sequence,
    string Title,
    string Description,
    long Amount,
    string Currency,
    MilestoneFees Fees,
    DateOnly? DueDate,
    MilestoneStatus Status,
    bool Disputed,
    DateTimeOffset CreatedAt,
    MilestoneFunding Funding,
    MilestoneSubmission? Submission,
    string? ChangesRequestedReason,
    MilestoneApproval? Approval,
    MilestonePayout Payout,
    IReadOnlyList<TimelineEntryResponse>? Timeline);

/// <summary>What funding this milestone charges the employer, in cents.</summary>
/// <param name="MarketplaceFee" example="5000">The marketplace fee.</param>
/// <param name="ContractInitiationFee" example="995">Charged once, with the first milestone of a contract.</param>
/// <param name="EmployerTotal" example="55995">Milestone amount plus fees: what the employer is charged.</param>
public sealed record MilestoneFees(long MarketplaceFee, long ContractInitiationFee, long EmployerTotal);

/// <summary>Funding facts. <c>clientSecret</c> is shown to the employer while a payment needs their action (3-D Secure).</summary>
public sealed record MilestoneFunding(
    int Attempts,
    string? PaymentIntentId,
    string? ChargeId,
    DateTimeOffset? FundedAt,
    string? ClientSecret,
    FundingErrorResponse? LastError);

public sealed record FundingErrorResponse(string Code, string Message);

public sealed record MilestoneSubmission(DateTimeOffset SubmittedAt, string? Note);

public sealed record MilestoneApproval(DateTimeOffset ApprovedAt, Guid ApprovedBy);

/// <summary>Where the payout stands. <c>reason</c> says why a pending payout waits, and is null when nothing waits.</summary>
public sealed record MilestonePayout(
    PayoutStatus Status,
    [property: DeniedValues(PayoutPendingReason.None)] PayoutPendingReason? Reason,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    string? TransferId,
    DateTimeOffset? PaidAt);

public sealed record TimelineEntryResponse(DateTimeOffset At, string Action, MilestoneStatus? From, MilestoneStatus To, Guid? ActorId, string? Note);
