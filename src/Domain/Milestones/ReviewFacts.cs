using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>
/// The review of the work: the trainer's submission (with its note), the employer's request for
/// changes, and the approval. A value: each change makes a new one.
/// </summary>
public sealed record ReviewFacts
{
    public DateTimeOffset? SubmittedAt { get; init; }

    public string? SubmissionNote { get; init; }

    public string? ChangesRequestedReason { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public UserId? ApprovedBy { get; init; }

    internal ReviewFacts Submitted(string? note, DateTimeOffset now) =>
        this with { SubmittedAt = now, SubmissionNote = Checked(note), ChangesRequestedReason = null };

    internal ReviewFacts ChangesRequested(string reason) => this with { ChangesRequestedReason = Checked(reason) };

    internal ReviewFacts Approved(UserId employerId, DateTimeOffset now) => this with { ApprovedAt = now, ApprovedBy = employerId };

    private static string? Checked(string? note) => note?.Length > Milestone.MaxNoteLength
        ? throw new DomainException(MilestoneErrors.TextTooLong, $"A note is at most {Milestone.MaxNoteLength} characters.")
        : note;
}
