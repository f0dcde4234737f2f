using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Lifecycle;

public sealed partial class FundingInvoiceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task Fund_WhenEachMilestoneIsFunded_IssuesOneFixedPriceMilestoneInvoicePerFunding()
    {
        var world = await _api.ContractWorldAsync();
        await _api.FundedAsync(world.Employer, world.UnfundedMilestoneId);

        var first = Assert.Single(await InvoicesOfAsync(world.Employer, world.FundedMilestoneId));
        var second = Assert.Single(await InvoicesOfAsync(world.Employer, world.UnfundedMilestoneId));

        foreach (var invoice in new[] { first, second })
        {
            Assert.Equal("employer_funding", invoice.Str("kind"));
            Assert.Equal("fixed_price_milestone", invoice.Str("billingType"));
            Assert.Equal("paid", invoice.Str("paymentStatus"));
            Assert.Equal("USD", invoice.Str("currency"));
            Assert.Equal("RLHF preference labelling", invoice.Str("projectName"));
            Assert.Equal(world.Employer.Id, invoice.Id("employerId"));
            Assert.Equal(world.Trainer.Id, invoice.Id("trainerId"));
            Assert.Equal(world.ContractId, invoice.Id("contractId"));
            Assert.Equal(invoice.Get("lines").EnumerateArray().Sum(l => l.Long("amount")), invoice.Long("total"));
        }

        Assert.Equal(ApiClient.FirstMilestoneDescription, first.Str("description"));
        Assert.Equal(
            [("milestone", 50_000L), ("marketplace_fee", 5_000L), ("contract_initiation_fee", 995L)],
            Lines(first));
        Assert.Equal(55_995, first.Long("total"));
        Assert.Equal("Next 2,000 preference pairs", second.Str("description"));
        Assert.Equal([("milestone", 120_000L), ("marketplace_fee", 12_000L)], Lines(second));
        Assert.Equal(132_000, second.Long("total"));
        var milestone = await factory.LoadMilestoneAsync(world.UnfundedMilestoneId);
        Assert.Equal(milestone.Funding.PaymentIntentId, second.Str("paymentReference"));
    }

    [Fact]
    public async Task Fund_WhenInvoicesAreIssued_NumbersThemInvYearSequenceWithoutGaps()
    {
        var world = await _api.ContractWorldAsync();
        await _api.FundedAsync(world.Employer, world.UnfundedMilestoneId);

        var first = Assert.Single(await InvoicesOfAsync(world.Employer, world.FundedMilestoneId)).Str("number")!;
        var second = Assert.Single(await InvoicesOfAsync(world.Employer, world.UnfundedMilestoneId)).Str("number")!;

        var year = factory.Clock.GetUtcNow().Year;
        Assert.Matches(InvoiceNumber(), first);
        Assert.Matches(InvoiceNumber(), second);
        Assert.StartsWith($"INV-{year}-", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(SequenceOf(first) + 1, SequenceOf(second));
    }

    [Fact]
    public async Task GetInvoice_WhenEmployerAsks_ReturnsTheSameInvoiceAsTheList()
    {
        var world = await _api.ContractWorldAsync();

        var invoice = await Expect.StatusAsync(await _api.GetAsync($"/api/v1/invoices/{world.FundingInvoiceId}", world.Employer), HttpStatusCode.OK);

        var listed = Assert.Single(await InvoicesOfAsync(world.Employer, world.FundedMilestoneId));
        Assert.Equal(listed.Id(), invoice.Id());
        Assert.Equal(listed.Str("number"), invoice.Str("number"));
        Assert.Equal(world.FundedMilestoneId, invoice.Id("milestoneId"));
        Assert.Equal(55_995, invoice.Long("total"));
    }

    [Fact]
    public async Task ListInvoices_WhenFilteredByPaymentStatus_ReturnsOnlyThatStatus()
    {
        var world = await _api.ContractWorldAsync();

        var paid = await Expect.StatusAsync(await _api.GetAsync("/api/v1/invoices?kind=employer_funding&paymentStatus=paid", world.Employer), HttpStatusCode.OK);
        var failed = await Expect.StatusAsync(await _api.GetAsync("/api/v1/invoices?paymentStatus=failed", world.Employer), HttpStatusCode.OK);

        Assert.Equal(world.FundingInvoiceId, Assert.Single(paid.Items()).Id());
        Assert.Empty(failed.Items());
    }

    private async Task<IReadOnlyList<JsonElement>> InvoicesOfAsync(Actor employer, Guid milestoneId) =>
        (await Expect.StatusAsync(await _api.GetAsync($"/api/v1/invoices?milestoneId={milestoneId}", employer), HttpStatusCode.OK)).Items();

    private static List<(string Kind, long Amount)> Lines(JsonElement invoice) =>
        [.. invoice.Get("lines").EnumerateArray().Select(l => (l.Str("kind")!, l.Long("amount")))];

    private static int SequenceOf(string number) => int.Parse(number[^6..], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^INV-\d{4}-\d{6}$")]
    private static partial Regex InvoiceNumber();
}
