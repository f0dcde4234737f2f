using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Payouts.Accounts;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

/// <summary>A worker process dying right after the provider made the transfer, before our commit.</summary>
public sealed class ReleaseSimulatedCrashException() : Exception("The worker failed after the transfer was made, before the result was committed.");

/// <summary>
/// The real simulator behind a fault injector: when armed, the next transfer really happens at the "provider"
/// and then the call throws, as if our process died (or the response was lost) before we could record it.
/// </summary>
public sealed class ReleaseCrashingGateway(IPaymentGateway inner) : ForwardingPaymentGateway(inner)
{
    private readonly ConcurrentDictionary<string, int> _transferCalls = new(StringComparer.Ordinal);
    private Exception? _afterNextTransfer;

    /// <summary>How many times a transfer for this milestone (its transfer group) was asked of the provider.</summary>
    public int TransferCallsFor(Guid milestoneId) => _transferCalls.GetValueOrDefault(milestoneId.ToString());

    public void FailAfterNextTransfer(Exception exception) => Volatile.Write(ref _afterNextTransfer, exception);

    public override async Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _transferCalls.AddOrUpdate(request.TransferGroup, 1, (_, calls) => calls + 1);
        var result = await Inner.TransferAsync(request, cancellationToken);
        if (Interlocked.Exchange(ref _afterNextTransfer, null) is { } failure)
        {
            throw failure;
        }

        return result;
    }
}

/// <summary>The API with <see cref="ReleaseCrashingGateway"/> as its payment gateway.</summary>
public sealed class ReleaseCrashingHost() : ApiFactory(ReleaseHost.HostOptions with { WrapGateway = (_, simulator) => new ReleaseCrashingGateway(simulator) })
{
    public ReleaseCrashingGateway Gateway => (ReleaseCrashingGateway)Services.GetRequiredService<IPaymentGateway>();
}

public sealed class ReleaseCrashRecoveryTests(ReleaseCrashingHost factory) : IClassFixture<ReleaseCrashingHost>
{
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: one transfer per milestone across a crash — the claim lease holds off reruns, then the retry reuses key payout-{milestone}.
    [Fact]
    public async Task PayoutJob_WhenWorkerDiesAfterTransferBeforeCommit_EndsPaidWithExactlyOneTransfer()
    {
        var (employer, milestoneId) = await ApprovedWithPayoutsEnabledAsync();

        // A worker that dies right after the provider made the transfer: its claim committed, the transfer was
        // made, and nothing after that ever ran (a dead process records nothing).
        OpenTrain.Clean.Application.Payouts.Execution.PayoutInstruction? instruction;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // The payout process's first step, committed on its own: the claim.
            var steps = scope.ServiceProvider.GetRequiredService<OpenTrain.Clean.Application.Payouts.Execution.PayoutSteps>();
            instruction = await scope.ServiceProvider.GetRequiredService<OpenTrain.Clean.Application.Abstractions.IUnitOfWork>()
                .ExecuteAsync(ct => steps.ClaimAsync(new OpenTrain.Clean.Domain.Common.MilestoneId(milestoneId), ct), CancellationToken.None);
        }

        Assert.NotNull(instruction);
        await factory.Gateway.TransferAsync(instruction.Request, CancellationToken.None);

        var firstTransfer = Assert.Single(TransfersOf(milestoneId));
        var crashed = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("payout_pending", crashed.GetProperty("status").GetString());
        Assert.Equal(0, crashed.GetProperty("payout").GetProperty("attempts").GetInt32());

        factory.Clock.Advance(ClaimLease - TimeSpan.FromSeconds(1));
        await factory.RunPayoutJobAsync();
        Assert.Equal(1, factory.Gateway.TransferCallsFor(milestoneId));
        Assert.Equal("payout_pending", (await _api.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());

        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await factory.RunPayoutJobAsync();

        Assert.Equal(2, factory.Gateway.TransferCallsFor(milestoneId));
        var transfer = Assert.Single(TransfersOf(milestoneId));
        Assert.Equal(firstTransfer.Id, transfer.Id);
        var paid = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Equal(transfer.Id, paid.GetProperty("payout").GetProperty("transferId").GetString());
    }

    // Guards: a gateway failure after the transfer (any exception, not only the provider's) is recorded as an
    // unknown outcome and retried on the schedule with the same key — one transfer, paid.
    [Fact]
    public async Task PayoutJob_WhenTheGatewayThrowsAfterTheTransfer_RecordsRetryingAndEndsWithOneTransfer()
    {
        var (employer, milestoneId) = await ApprovedWithPayoutsEnabledAsync();
        factory.Gateway.FailAfterNextTransfer(new ReleaseSimulatedCrashException());

        await factory.RunPayoutJobAsync();

        var retrying = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("retrying", retrying.GetProperty("payout").GetProperty("reason").GetString());
        Assert.Equal(1, retrying.GetProperty("payout").GetProperty("attempts").GetInt32());
        var firstTransfer = Assert.Single(TransfersOf(milestoneId));

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await factory.RunPayoutJobAsync();

        Assert.Equal(firstTransfer.Id, Assert.Single(TransfersOf(milestoneId)).Id);
        Assert.Equal("paid", (await _api.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
    }

    // Guards: a lost provider answer is an unknown outcome, retried after 1 min with the same key — paid, one transfer.
    [Fact]
    public async Task PayoutJob_WhenProviderAnswerLostAfterTransfer_RetriesAfterOneMinuteAndEndsWithOneTransfer()
    {
        var (employer, milestoneId) = await ApprovedWithPayoutsEnabledAsync();
        factory.Gateway.FailAfterNextTransfer(new PaymentProviderException("Timed out reading the provider's response."));
        var lostAt = factory.Clock.GetUtcNow();

        await factory.RunPayoutJobAsync();

        var retrying = await _api.MilestoneAsync(milestoneId, employer);
        var payout = retrying.GetProperty("payout");
        Assert.Equal("payout_pending", retrying.GetProperty("status").GetString());
        Assert.Equal("retrying", payout.GetProperty("reason").GetString());
        Assert.Equal(1, payout.GetProperty("attempts").GetInt32());
        Assert.Equal(lostAt.AddMinutes(1), payout.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Contains("Timed out", payout.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var firstTransfer = Assert.Single(TransfersOf(milestoneId));

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await factory.RunPayoutJobAsync();

        var transfer = Assert.Single(TransfersOf(milestoneId));
        Assert.Equal(firstTransfer.Id, transfer.Id);
        var paid = await _api.MilestoneAsync(milestoneId, employer);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.Equal(transfer.Id, paid.GetProperty("payout").GetProperty("transferId").GetString());
    }

    // Guards: each due payout in its own try/catch — one that blows up does not stop the others of the same run.
    [Fact]
    public async Task PayoutJob_WhenOnePayoutCrashes_StillPaysTheOtherDuePayoutsInTheSameRun()
    {
        var (employer, first) = await ApprovedWithPayoutsEnabledAsync();
        var (_, second) = await ApprovedWithPayoutsEnabledAsync(employer);
        factory.Gateway.FailAfterNextTransfer(new ReleaseSimulatedCrashException());

        await factory.RunPayoutJobAsync();

        var statuses = new List<string?>();
        foreach (var milestoneId in new[] { first, second })
        {
            statuses.Add((await _api.MilestoneAsync(milestoneId, employer)).GetProperty("status").GetString());
            Assert.Single(TransfersOf(milestoneId));
        }

        Assert.Equal(["paid", "payout_pending"], statuses.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Payout setup enabled through the same "account updated" path as the simulator's onboarding page (its pages are
    /// mapped only when the simulator itself is the gateway), then a hire, approval and the outbox drained.
    /// </summary>
    private async Task<(Actor Employer, Guid MilestoneId)> ApprovedWithPayoutsEnabledAsync(Actor? employer = null)
    {
        employer ??= await _api.EmployerAsync();
        var trainer = await _api.SignInAsync("trainer");
        var (accountId, _) = await _api.StartPayoutSetupAsync(trainer);
        Assert.NotNull(factory.Simulator.CompleteOnboarding(accountId));
        Assert.True(await factory.SendAsync(new SyncPayoutAccountCommand(accountId)));
        var (hire, _) = await _api.HireAndApproveAsync(employer, trainer);
        await factory.DrainOutboxAsync();
        return (employer, hire.MilestoneId);
    }

    private List<SimTransfer> TransfersOf(Guid milestoneId) =>
        factory.Simulator.Transfers().Where(t => t.TransferGroup == milestoneId.ToString()).ToList();
}
