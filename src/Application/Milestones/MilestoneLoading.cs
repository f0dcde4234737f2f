using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Milestones;

internal static class MilestoneLoading
{
    /// <summary>Loads a milestone for a change by one of its parties; anyone else gets 404.</summary>
    public static async Task<Milestone> LoadForPartyAsync(this IMilestoneRepository milestones, Guid id, UserId caller, CancellationToken cancellationToken)
    {
        var milestone = await milestones.FindAsync(new MilestoneId(id), cancellationToken);
        return milestone is not null && (milestone.EmployerId == caller || milestone.TrainerId == caller)
            ? milestone
            : throw new NotFoundException("Milestone", id);
    }
}
