using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Application.Milestones.Funding;

/// <summary>
/// The result of a funding attempt. <c>outcome</c>: succeeded (held in escrow), processing (bank
/// debit settling), requires_action (confirm with Stripe.js using <c>clientSecret</c>), unknown
/// (the provider did not answer; reconciliation settles it).
/// </summary>
public sealed record FundingResponse(
    MilestoneResponse Milestone,
    FundingOutcome Outcome,
    string? ClientSecret,
    Guid? InvoiceId,
    string? DeclineCode,
    string? Message);
