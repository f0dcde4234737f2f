using System.Globalization;
using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Domain.Billing;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>An invoice of the seeded world: what it should be, to compare with what the Reports route answers.</summary>
public sealed record InvoicingSeededInvoice(string Name, Guid Id, string Kind, string Status, Guid? JobId, Guid EmployerId, Guid? TrainerId, DateTimeOffset IssuedAt);

/// <summary>
/// One API with invoices of every kind and status, issued on different days of the fake clock:
/// <list type="bullet">
/// <item>day 1: employer A hires trainer T on job 1 (a project name with a comma and quotes): INV1 paid;</item>
/// <item>day 2: A funds a second milestone on job 1: INV2 (refunded on day 5);</item>
/// <item>day 3: A hires T on job 2 (a project name starting with "="): INV3 paid; a declined funding there: INV4 failed;</item>
/// <item>day 4: T's first milestone is approved and paid out: PAY1;</item>
/// <item>day 5: support refunds INV2's milestone: CRN1; A's agency plan is billed: SUB1; employer B hires trainer U on job 3: INV5.</item>
/// </list>
/// </summary>
public sealed class InvoicingReportFixture : IAsyncLifetime, IDisposable
{
    public const string QuotedProject = "Alpha, \"quoted\" labelling";
    public const string FormulaProject = "=HYPERLINK(\"http://evil.example\",\"click\")";

    private readonly Dictionary<string, InvoicingSeededInvoice> _invoices = [];

    public InvoicingHost Factory { get; } = new();

    public ApiClient Api { get; private set; } = null!;

    public Actor EmployerA { get; private set; } = null!;

    public Actor EmployerB { get; private set; } = null!;

    public Actor TrainerT { get; private set; } = null!;

    public Actor TrainerU { get; private set; } = null!;

    /// <summary>A trainer who was never hired.</summary>
    public Actor Idle { get; private set; } = null!;

    public Actor Admin { get; private set; } = null!;

    public Guid Job1 { get; private set; }

    public Guid Job2 { get; private set; }

    public Guid Job3 { get; private set; }

    public DateTimeOffset Start { get; private set; }

    public IReadOnlyDictionary<string, InvoicingSeededInvoice> Invoices => _invoices;

    public InvoicingSeededInvoice this[string name] => _invoices[name];

    /// <summary>The start of day <paramref name="day"/> of the seed (day 0 is when the clock starts).</summary>
    public DateTimeOffset Day(int day) => Start.AddDays(day);

    public static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        Api = Factory.CreateApiClient();
        Start = Factory.Clock.GetUtcNow();
        EmployerA = await Api.EmployerAsync(name: "Ada Employer");
        EmployerB = await Api.EmployerAsync(name: "Bea Other");
        TrainerT = await Api.TrainerAsync(name: "Tom Trainer");
        TrainerU = await Api.TrainerAsync(name: "Uma Trainer");
        Idle = await Api.TrainerAsync(name: "Ida Idle");
        Admin = await Api.AdminAsync();
        await Api.SetUpPayoutsAsync(TrainerT);

        AdvanceTo(1);
        var first = await Api.HireOnNewJobAsync(EmployerA, TrainerT, jobTitle: QuotedProject);
        Job1 = first.JobId;
        await RecordAsync("INV1", first.FundingInvoiceId);

        AdvanceTo(2);
        var second = await Api.AddMilestoneAsync(EmployerA, first.ContractId);
        await RecordAsync("INV2", (await Api.FundedAsync(EmployerA, second)).Id("invoiceId"));

        AdvanceTo(3);
        var third = await Api.HireOnNewJobAsync(EmployerA, TrainerT, jobTitle: FormulaProject);
        Job2 = third.JobId;
        await RecordAsync("INV3", third.FundingInvoiceId);
        var doomed = await Api.AddMilestoneAsync(EmployerA, third.ContractId, amount: 70_000, description: "Declined batch");
        await Api.AttachPaymentMethodAsync(EmployerA, "pm_card_chargeDeclined");
        await Expect.ProblemAsync(await Api.FundAsync(EmployerA, doomed), HttpStatusCode.PaymentRequired, "card_declined");
        await Api.AttachPaymentMethodAsync(EmployerA, "pm_card_visa");
        await RecordAsync("INV4", Assert.Single(await Api.InvoicesOfMilestoneAsync(EmployerA, doomed)).Id());

        AdvanceTo(4);
        await Api.SubmittedAsync(TrainerT, first.MilestoneId);
        await Api.ApprovedAsync(EmployerA, first.MilestoneId);
        Assert.Equal(1, await Factory.RunPayoutJobAsync());
        await RecordAsync("PAY1", Assert.Single(await Api.InvoicesOfMilestoneAsync(TrainerT, first.MilestoneId)).Id());

        AdvanceTo(5);
        var refund = await Expect.StatusAsync(await Api.RefundAsync(Admin, second), HttpStatusCode.OK);
        await RecordAsync("CRN1", refund.Id("creditNoteId"));
        var customerId = (await Api.GetJsonAsync("/api/v1/billing", EmployerA)).Str("customerId")!;
        Assert.Equal(WebhookOutcome.Applied, await Factory.SendAsync(new ApplyProviderEventCommand(
            new SubscriptionInvoiceChanged("evt_invoicing_report_sub", "invoice.paid", customerId, "in_invoicing_report", 9_900, "USD", Paid: true, BillingPlan.Agency))));
        var subscription = Assert.Single((await Api.GetJsonAsync("/api/v1/invoices?kind=subscription", EmployerA)).Items());
        await RecordAsync("SUB1", subscription.Id());
        var other = await Api.HireOnNewJobAsync(EmployerB, TrainerU, jobTitle: "Bravo project");
        Job3 = other.JobId;
        await RecordAsync("INV5", other.FundingInvoiceId);

        // Statuses as they ended up (INV2 was refunded after it was recorded).
        foreach (var seeded in _invoices.Values.ToList())
        {
            await RecordAsync(seeded.Name, seeded.Id);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Factory.Dispose();

    /// <summary>The names of the seeded invoices with these ids, in the order given.</summary>
    public IReadOnlyList<string> NamesOf(IEnumerable<Guid> ids) =>
        [.. ids.Select(id => _invoices.Values.SingleOrDefault(i => i.Id == id)?.Name ?? $"unknown {id}")];

    private void AdvanceTo(int day)
    {
        var target = Day(day);
        Factory.Clock.Advance(target - Factory.Clock.GetUtcNow());
    }

    private async Task RecordAsync(string name, Guid id)
    {
        var invoice = await Api.InvoiceAsync(Admin, id);
        _invoices[name] = new InvoicingSeededInvoice(
            name,
            id,
            invoice.Str("kind")!,
            invoice.Str("paymentStatus")!,
            invoice.Get("jobId").ValueKind == System.Text.Json.JsonValueKind.Null ? null : invoice.Id("jobId"),
            invoice.Id("employerId"),
            invoice.Get("trainerId").ValueKind == System.Text.Json.JsonValueKind.Null ? null : invoice.Id("trainerId"),
            invoice.Get("issuedAt").GetDateTimeOffset());
    }
}
