using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;

namespace OpenTrain.Clean.Api.FunctionalTests.Release;

public sealed class ReleaseApprovalToPaidTests(ReleaseHost factory) : IClassFixture<ReleaseHost>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    // Guards: the release — after approval the payout job pays once, keeps the transfer, issues the PAY invoice and notifies the trainer.
    [Fact]
    public async Task PayoutJob_WhenApprovedAndTrainerPayoutsEnabled_PaysTrainerWithInvoiceAndNotification()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.SignInAsync("trainer");
        var accountId = await _api.SetUpPayoutsAsync(trainer);

        var (hire, approved) = await _api.HireAndApproveAsync(employer, trainer);

        Assert.Equal("payout_pending", approved.GetProperty("status").GetString());
        Assert.Equal("pending", approved.GetProperty("payout").GetProperty("status").GetString());
        Assert.Empty(TransfersOf(hire.MilestoneId));

        await factory.DrainOutboxAsync();
        await factory.RunPayoutJobAsync();
        await factory.DrainOutboxAsync();

        var transfer = Assert.Single(TransfersOf(hire.MilestoneId));
        var milestone = await _api.MilestoneAsync(hire.MilestoneId, employer);
        Assert.Equal("paid", milestone.GetProperty("status").GetString());
        var payout = milestone.GetProperty("payout");
        Assert.Equal("paid", payout.GetProperty("status").GetString());
        Assert.Equal(transfer.Id, payout.GetProperty("transferId").GetString());
        Assert.Equal(JsonValueKind.String, payout.GetProperty("paidAt").ValueKind);
        Assert.Equal(ApiClient.FirstMilestoneAmount, transfer.Amount);
        Assert.Equal(accountId, transfer.Destination);
        Assert.Equal(milestone.GetProperty("funding").GetProperty("chargeId").GetString(), transfer.SourceTransaction);

        var invoices = await _api.GetJsonAsync($"/api/v1/invoices?milestoneId={hire.MilestoneId}", trainer);
        var invoice = Assert.Single(invoices.GetProperty("data").EnumerateArray());
        Assert.Matches(new Regex($"^PAY-{factory.Clock.GetUtcNow().Year}-[0-9]{{6}}$"), invoice.GetProperty("number").GetString());
        Assert.Equal("trainer_payout", invoice.GetProperty("kind").GetString());
        Assert.Equal("milestone_payout", invoice.GetProperty("billingType").GetString());
        Assert.Equal(transfer.Id, invoice.GetProperty("paymentReference").GetString());
        Assert.Equal(ApiClient.FirstMilestoneAmount, invoice.GetProperty("total").GetInt64());
        Assert.Equal("paid", invoice.GetProperty("paymentStatus").GetString());
        Assert.Equal("RLHF preference labelling", invoice.GetProperty("projectName").GetString());

        var feed = await _api.GetJsonAsync("/api/v1/notifications", trainer);
        var sent = Assert.Single(feed.GetProperty("data").EnumerateArray(), n => n.GetProperty("title").GetString() == "Payout sent");
        Assert.Equal("payout_sent", sent.GetProperty("kind").GetString());
        Assert.Equal(hire.MilestoneId, sent.GetProperty("milestoneId").GetGuid());
        Assert.Contains(transfer.Id, sent.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    // Guards: approval never moves money inside the HTTP request — the transfer waits for the worker (here: no job hosted).
    [Fact]
    public async Task Approve_WhenCommitted_LeavesTheTransferToThePayoutJob()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.SignInAsync("trainer");
        await _api.SetUpPayoutsAsync(trainer);

        var (hire, approved) = await _api.HireAndApproveAsync(employer, trainer);
        await factory.DrainOutboxAsync();

        Assert.Null(factory.Services.GetService<Quartz.ISchedulerFactory>());
        Assert.Equal("queued", approved.GetProperty("payout").GetProperty("reason").GetString());
        Assert.Empty(TransfersOf(hire.MilestoneId));
        Assert.Equal("payout_pending", (await _api.MilestoneAsync(hire.MilestoneId, employer)).GetProperty("status").GetString());
    }

    // Guards: a paid milestone is never paid again, however often the payout job runs.
    [Fact]
    public async Task PayoutJob_WhenRunAgainAfterPaid_MakesNoSecondTransfer()
    {
        var employer = await _api.EmployerAsync();
        var trainer = await _api.SignInAsync("trainer");
        await _api.SetUpPayoutsAsync(trainer);
        var (hire, _) = await _api.HireAndApproveAsync(employer, trainer);
        await factory.RunPayoutJobAsync();

        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.DrainOutboxAsync();
        await factory.RunPayoutJobAsync();

        Assert.Single(TransfersOf(hire.MilestoneId));
        var invoices = await _api.GetJsonAsync($"/api/v1/invoices?milestoneId={hire.MilestoneId}", trainer);
        Assert.Single(invoices.GetProperty("data").EnumerateArray());
    }

    private List<SimTransfer> TransfersOf(Guid milestoneId) =>
        factory.Simulator.Transfers().Where(t => t.TransferGroup == milestoneId.ToString()).ToList();
}
