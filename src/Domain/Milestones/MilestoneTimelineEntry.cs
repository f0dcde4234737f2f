using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.Milestones;

/// <summary>One step of the milestone timeline the Contract tab shows.</summary>
public sealed class MilestoneTimelineEntry
{
    private MilestoneTimelineEntry()
    {
        Action = string.Empty;
    }

    internal MilestoneTimelineEntry(int sequence, DateTimeOffset at, string action, MilestoneStatus? from, MilestoneStatus to, UserId? actorId, string? note)
    {
        Sequence = sequence;
        At = at;
        Action = action;
        From = from;
        To = to;
        ActorId = actorId;
        Note = note;
    }

    public int Sequence { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string Action { get; private set; }

    public MilestoneStatus? From { get; private set; }

    public MilestoneStatus To { get; private set; }

    public UserId? ActorId { get; private set; }

    public string? Note { get; private set; }
}
