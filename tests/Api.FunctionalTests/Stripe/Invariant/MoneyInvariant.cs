using System.Text.Json.Nodes;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Stripe.Invariant;

/// <summary>
/// The money invariant of issue 12, read from Stripe's side (the fake server's charges, refunds and transfers) and
/// from ours (the milestones as stored): every succeeded charge funds exactly one milestone or is refunded exactly
/// once; every transfer belongs to exactly one paid milestone; per milestone, what Stripe holds for it (charged −
/// refunded − transferred) is what its status says is held; nothing waits without a reason anyone can see.
/// </summary>
public static class MoneyInvariant
{
    public static async Task<IReadOnlyList<string>> ViolationsAsync(MoneyInvariantHost host, MoneyWorld world)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(world);
        var problems = new List<string>();
        var refunds = host.Stripe.Objects("refund");
        var transfers = host.Stripe.Objects("transfer");
        foreach (var id in world.Milestones)
        {
            var milestone = await host.Factory.LoadMilestoneAsync(id);
            var intents = world.IntentsOf(id).Select(i => i["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var charges = host.Stripe.Objects("charge")
                .Where(c => c["status"]?.GetValue<string>() == "succeeded" && c["payment_intent"]?.GetValue<string>() is { } intent && intents.Contains(intent))
                .ToList();
            var charged = charges.Sum(c => Amount(c));
            long refunded = 0;
            foreach (var charge in charges)
            {
                var chargeId = charge["id"]!.GetValue<string>();
                var refundsOfCharge = refunds.Where(r => r["charge"]?.GetValue<string>() == chargeId).ToList();
                refunded += refundsOfCharge.Sum(r => Amount(r));
                var funds = milestone.Funding.ChargeId == chargeId && milestone.Funding.FundedAt is not null;
                if (refundsOfCharge.Count > 1)
                {
                    problems.Add($"{id}: charge {chargeId} refunded {refundsOfCharge.Count} times");
                }

                if (refundsOfCharge.Count == 0 && !(funds && IsHolding(milestone.Status) || funds && milestone.Status == MilestoneStatus.Paid))
                {
                    problems.Add($"{id}: charge {chargeId} ({Amount(charge)}) funds nothing and was not refunded (milestone {milestone.Status}, funded by {milestone.Funding.ChargeId ?? "none"})");
                }

                if (refundsOfCharge.Count == 1 && funds && milestone.Status != MilestoneStatus.Refunded)
                {
                    problems.Add($"{id}: charge {chargeId} funds the {milestone.Status} milestone and was refunded too");
                }
            }

            var transfersOfMilestone = transfers.Where(t => t["transfer_group"]?.GetValue<string>() == id.ToString()).ToList();
            var released = transfersOfMilestone.Sum(t => Amount(t));
            if (transfersOfMilestone.Count > 1 || (transfersOfMilestone.Count == 1) != (milestone.Status == MilestoneStatus.Paid)
                || transfersOfMilestone.Count == 1 && transfersOfMilestone[0]["id"]!.GetValue<string>() != milestone.Payout.TransferId)
            {
                problems.Add($"{id}: {transfersOfMilestone.Count} transfer(s) for a {milestone.Status} milestone (transfer on record: {milestone.Payout.TransferId ?? "none"})");
            }

            var held = charged - refunded - released;
            var expected = milestone.Status switch
            {
                _ when IsHolding(milestone.Status) => milestone.EmployerTotal.Amount,
                MilestoneStatus.Paid => milestone.EmployerTotal.Amount - milestone.Amount.Amount,
                _ => 0,
            };
            if (held != expected)
            {
                problems.Add($"{id}: Stripe holds {held} (charged {charged} − refunded {refunded} − transferred {released}) for a {milestone.Status} milestone that should hold {expected}");
            }

            if (Stuck(milestone, world) is { } stuck)
            {
                problems.Add($"{id}: {stuck}");
            }
        }

        return problems;
    }

    /// <summary>Held by the platform for the trainer: funded, and neither paid out nor given back.</summary>
    private static bool IsHolding(MilestoneStatus status) =>
        status is MilestoneStatus.ActiveFunded or MilestoneStatus.PendingApproval or MilestoneStatus.PayoutPending;

    /// <summary>After the jobs ran: a milestone still in motion must show why it waits, and only for something outside our hands.</summary>
    private static string? Stuck(Milestone milestone, MoneyWorld world)
    {
        if (milestone.Status == MilestoneStatus.Funding)
        {
            var intent = world.IntentsOf(milestone.Id.Value).FirstOrDefault(i => i["id"]!.GetValue<string>() == milestone.Funding.PaymentIntentId);
            var waitsForCustomer = intent?["status"]?.GetValue<string>() is "requires_action" or "processing";
            return waitsForCustomer ? null : $"funding, attempt {milestone.Funding.Attempts}, PaymentIntent {milestone.Funding.PaymentIntentId ?? "none"} ({intent?["status"]}), with nothing to wait for";
        }

        if (milestone.Status == MilestoneStatus.PayoutPending
            && (milestone.Payout.Status == PayoutStatus.Pending && milestone.Payout.Reason is PayoutPendingReason.Queued or PayoutPendingReason.None
                || milestone.Payout.Status == PayoutStatus.Failed && string.IsNullOrEmpty(milestone.Payout.LastError)))
        {
            return $"payout {milestone.Payout.Status}/{milestone.Payout.Reason} after the payout job ran, with no reason (last error {milestone.Payout.LastError ?? "none"})";
        }

        return null;
    }

    private static long Amount(JsonObject stripeObject) => stripeObject["amount"]!.GetValue<long>();
}
