using System.Reflection;
using CsCheck;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Properties;

/// <summary>
/// Random command sequences (every public action of the milestone, by random parties, at random
/// times, with current and stale funding attempts) against the milestone state machine. After every
/// step the escrow invariants must hold. Guards: the guards in <see cref="Milestone"/>'s methods
/// (Require / EnsureEmployer / RequireCurrentAttempt / the dispute and parked checks) — remove any
/// one and a sequence reaches a second payout, a refund after a payout, a move out of a final state,
/// or a refused command that changed something.
/// </summary>
public sealed class MilestoneStateMachineProperties
{
    private enum Op
    {
        Fund,
        SettleSucceeded,
        SettleAwaitingAction,
        SettleDeclined,
        ScheduleFundingCheck,
        Submit,
        RequestChanges,
        Approve,
        ClaimPayout,
        DeferPayout,
        FailPayout,
        RetryPayout,
        MarkPaid,
        Cancel,
        Refund,
        OpenDispute,
        CloseDispute,
        ReverseTransfer,
        Edit,
    }

    private sealed record Step(Op Op, int Party, int Minutes, int AttemptDelta, int Variant)
    {
        public override string ToString() => $"{Op}(party {Party}, {Minutes:+0;-0} min, attempt {AttemptDelta:+0;-0}, variant {Variant})";
    }

    private static readonly UserId _employer = new(new Guid("00000000-0000-0000-0000-00000000e001"));
    private static readonly UserId _trainer = new(new Guid("00000000-0000-0000-0000-00000000f001"));
    private static readonly UserId _stranger = new(new Guid("00000000-0000-0000-0000-00000000d001"));
    private static readonly DateTimeOffset _start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly PropertyInfo[] _stateProperties = typeof(Milestone)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name is not (nameof(Milestone.Timeline) or nameof(Milestone.DomainEvents)))
        .ToArray();

    private static readonly Gen<Step> _step = Gen.Select(
        Gen.Enum<Op>(), Gen.Int[0, 2], Gen.Int[-30, 600], Gen.Int[-1, 1], Gen.Int[0, 4],
        (op, party, minutes, attemptDelta, variant) => new Step(op, party, minutes, attemptDelta, variant));

    private static readonly Gen<Step[]> _sequences = _step.Array[1, 80];

    [Fact]
    public void RandomCommandSequences_KeepTheEscrowInvariantsAfterEveryStep()
    {
        var reached = new int[Enum.GetValues<MilestoneStatus>().Length];

        _sequences.Sample(
            steps =>
            {
                foreach (var status in Run(steps))
                {
                    Interlocked.Increment(ref reached[(int)status]);
                }
            },
            iter: 2500,
            print: steps => string.Join(" -> ", steps.Select(s => s.ToString())));

        // The property is only worth something if the walks reach the final states it talks about.
        Assert.All(Enum.GetValues<MilestoneStatus>(), status => Assert.True(reached[(int)status] > 0, $"no random walk reached {status}"));
    }

    /// <summary>Applies the steps, checks the invariants after each and returns the statuses the walk visited.</summary>
    private static HashSet<MilestoneStatus> Run(Step[] steps)
    {
        var now = _start;
        var milestone = Milestone.Create(
            new ContractId(Guid.NewGuid()), new JobId(Guid.NewGuid()), _employer, _trainer, 1, "Batch 1", "Label 500 images", Money.FromCents(10_000), null, FeeSchedule.Default, now);
        milestone.ClearDomainEvents();
        var visited = new HashSet<MilestoneStatus> { milestone.Status };
        var paidTimes = 0;
        var refundedTimes = 0;

        foreach (var step in steps)
        {
            now = now.AddMinutes(step.Minutes);
            var before = Snapshot(milestone);
            var timelineBefore = milestone.Timeline.ToList();
            var eventsBefore = milestone.DomainEvents.Count;
            var statusBefore = milestone.Status;

            var succeeded = Apply(milestone, step, now);

            if (succeeded && step.Op == Op.MarkPaid)
            {
                paidTimes++;
            }

            if (succeeded && step.Op == Op.Refund)
            {
                refundedTimes++;
            }

            // Refused commands change nothing: no field, no timeline entry, no event.
            if (!succeeded)
            {
                Assert.Equal(before, Snapshot(milestone));
                Assert.Equal(timelineBefore.Count, milestone.Timeline.Count);
                Assert.Equal(eventsBefore, milestone.DomainEvents.Count);
            }

            // Money never leaves escrow twice: paid at most once, refunded at most once, never both.
            Assert.True(paidTimes <= 1, $"paid {paidTimes} times");
            Assert.True(refundedTimes <= 1, $"refunded {refundedTimes} times");
            Assert.False(paidTimes > 0 && refundedTimes > 0, "both paid out and refunded");
            Assert.False(milestone.Payout.TransferId is not null && milestone.Refund.RefundedAt is not null, "a transfer and a refund on one milestone");

            // No transition out of paid, refunded or cancelled.
            if (statusBefore.IsFinal())
            {
                Assert.Equal(statusBefore, milestone.Status);
            }

            // Money only leaves escrow if it entered it, and never while a dispute is open.
            if (milestone.Status is MilestoneStatus.ActiveFunded or MilestoneStatus.PendingApproval or MilestoneStatus.PayoutPending or MilestoneStatus.Paid or MilestoneStatus.Refunded)
            {
                Assert.NotNull(milestone.Funding.FundedAt);
            }

            if (milestone.Status == MilestoneStatus.Paid)
            {
                Assert.NotNull(milestone.Payout.TransferId);
                Assert.Equal(PayoutStatus.Paid, milestone.Payout.Status);
                Assert.False(milestone.IsDisputed);
            }

            // The timeline only grows: every earlier entry is still there, unchanged, and the last one names the current status.
            Assert.True(milestone.Timeline.Count >= timelineBefore.Count);
            for (var i = 0; i < timelineBefore.Count; i++)
            {
                Assert.Same(timelineBefore[i], milestone.Timeline[i]);
            }

            Assert.Equal(Enumerable.Range(1, milestone.Timeline.Count), milestone.Timeline.Select(e => e.Sequence));
            Assert.Equal(milestone.Status, milestone.Timeline[^1].To);
            visited.Add(milestone.Status);
        }

        return visited;
    }

    /// <summary>True when the aggregate accepted the command; false when it refused it with an error.</summary>
    private static bool Apply(Milestone milestone, Step step, DateTimeOffset now)
    {
        var party = step.Party switch { 0 => _employer, 1 => _trainer, _ => _stranger };
        var attempt = milestone.Funding.Attempts + step.AttemptDelta;
        try
        {
            switch (step.Op)
            {
                case Op.Fund:
                    milestone.BeginFunding(party, now);
                    break;
                case Op.SettleSucceeded:
                    milestone.MarkFunded(attempt, $"pi_{attempt}", $"ch_{attempt}", now);
                    break;
                case Op.SettleAwaitingAction:
                    milestone.MarkFundingAwaitingAction(attempt, $"pi_{attempt}", step.Variant % 2 == 0 ? $"pi_{attempt}_secret" : null, "funding_processing", now);
                    break;
                case Op.SettleDeclined:
                    milestone.MarkFundingFailed(attempt, new FundingError("card_declined", "Your card was declined."), now);
                    break;
                case Op.ScheduleFundingCheck:
                    milestone.ScheduleFundingCheck(now.AddSeconds(10));
                    break;
                case Op.Submit:
                    milestone.Submit(party, step.Variant == 4 ? new string('n', Milestone.MaxNoteLength + 1) : "Done", now);
                    break;
                case Op.RequestChanges:
                    milestone.RequestChanges(party, step.Variant == 4 ? new string('r', Milestone.MaxNoteLength + 1) : "Redo pairs 10-20", now);
                    break;
                case Op.Approve:
                    milestone.Approve(party, now);
                    break;
                case Op.ClaimPayout:
                    milestone.ClaimPayoutAttempt(now, now.AddMinutes(2));
                    break;
                case Op.DeferPayout:
                    milestone.DeferPayout((PayoutPendingReason)step.Variant, step.Variant % 2 == 0 ? now.AddMinutes(5) : null, "not yet", now);
                    break;
                case Op.FailPayout:
                    milestone.FailPayout("refused for good", now);
                    break;
                case Op.RetryPayout:
                    milestone.RetryPayout(now);
                    break;
                case Op.MarkPaid:
                    milestone.MarkPaid($"tr_{step.Variant}", now);
                    break;
                case Op.Cancel:
                    milestone.Cancel(party, now);
                    break;
                case Op.Refund:
                    milestone.MarkRefunded($"re_{step.Variant}", now);
                    break;
                case Op.OpenDispute:
                    milestone.OpenDispute($"dp_{step.Variant}", now);
                    break;
                case Op.CloseDispute:
                    milestone.CloseDispute(now);
                    break;
                case Op.ReverseTransfer:
                    milestone.RecordTransferReversal(100, now);
                    break;
                case Op.Edit:
                    milestone.UpdateDetails(party, "Batch 1b", "Label 600 images", Money.FromCents(step.Variant == 4 ? 10 : 12_000), null, FeeSchedule.Default, now);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(step), step.Op, null);
            }

            return true;
        }
        catch (DomainException)
        {
            return false;
        }
        catch (ArgumentOutOfRangeException) when (step.Op == Op.DeferPayout)
        {
            return false;
        }
    }

    private static string Snapshot(Milestone milestone) =>
        string.Join('\n', _stateProperties.Select(p => $"{p.Name}={Format(p.GetValue(milestone))}"));

    private static string Format(object? value) => value switch
    {
        null => "null",
        IEnumerable<string> list => string.Join(',', list),
        _ => value.ToString() ?? string.Empty,
    };
}
