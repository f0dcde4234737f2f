using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>What is saved comes back whole from a fresh context: owned types, complex Money, collections, instants.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Milestone_WhenSavedAndReloaded_KeepsItsFeesTimelineAndFundingFacts()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        Hire.Fund(milestone, Moments.Now.AddMinutes(1));
        milestone.Submit(Parties.Trainer, "Export attached.", Moments.Now.AddHours(2));
        await Save(db => hire.AddTo(db));

        await using var db = _database.NewContext();
        var loaded = await db.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);

        Assert.Equal(MilestoneStatus.PendingApproval, loaded.Status);
        Assert.Equal(Money.FromCents(50_000), loaded.Amount);
        Assert.Equal(Money.FromCents(5_000), loaded.MarketplaceFee);
        Assert.Equal(Money.FromCents(995), loaded.ContractInitiationFee);
        Assert.Equal(milestone.EmployerTotal, loaded.EmployerTotal);
        Assert.Equal(new DateOnly(2026, 12, 15), loaded.DueDate);
        Assert.Equal(("pi_1", "ch_1"), (loaded.Funding.PaymentIntentId, loaded.Funding.ChargeId));
        Assert.Equal(Moments.Now.AddMinutes(1), loaded.Funding.FundedAt);
        Assert.Equal("Export attached.", loaded.Review.SubmissionNote);
        Assert.Equal(1, loaded.Funding.Attempts);
        Assert.Equal(
            milestone.Timeline.Select(t => (t.Sequence, t.At, t.Action, t.From, t.To, t.ActorId, t.Note)),
            loaded.Timeline.OrderBy(t => t.Sequence).Select(t => (t.Sequence, t.At, t.Action, t.From, t.To, t.ActorId, t.Note)));
        Assert.Equal(4, loaded.Timeline.Count);
    }

    [Fact]
    public async Task Milestone_WhenAFundingAttemptWasDeclined_KeepsTheLastFundingError()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingFailed(attempt.Number, new FundingError("generic_decline", "Your card was declined."), Moments.Now);
        await Save(db => hire.AddTo(db));

        await using var db = _database.NewContext();
        var loaded = await db.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);

        Assert.Equal(MilestoneStatus.NotFunded, loaded.Status);
        Assert.Equal(new FundingError("generic_decline", "Your card was declined."), loaded.Funding.LastError);
    }

    [Fact]
    public async Task Milestone_WhenChangedAfterLoading_AppendsTheNewTimelineEntryAndClearsTheFundingError()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        var attempt = milestone.BeginFunding(Parties.Employer, Moments.Now);
        milestone.MarkFundingFailed(attempt.Number, new FundingError("generic_decline", "Declined."), Moments.Now);
        await Save(db => hire.AddTo(db));

        await using (var db = _database.NewContext())
        {
            var tracked = await db.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
            Hire.Fund(tracked, Moments.Now.AddHours(1));
            await db.SaveChangesAsync();
        }

        await using var check = _database.NewContext();
        var loaded = await check.Set<Milestone>().SingleAsync(m => m.Id == milestone.Id);
        Assert.Equal(MilestoneStatus.ActiveFunded, loaded.Status);
        Assert.Null(loaded.Funding.LastError);
        Assert.Equal(["created", "funding_started", "funding_failed", "funding_started", "funded"], loaded.Timeline.OrderBy(t => t.Sequence).Select(t => t.Action));
    }

    [Fact]
    public async Task Invoice_WhenSavedAndReloaded_KeepsItsLinesTotalAndParties()
    {
        var hire = new Hire(Moments.Now);
        var milestone = hire.AddMilestone(Moments.Now);
        var invoice = Invoice.IssueFunding(
            "INV-2026-000001",
            new InvoiceSubject(Parties.Employer, Parties.Trainer, hire.Job.Id, hire.Contract.Id, milestone.Id, 1, hire.Job.Title, milestone.Description),
            milestone.Amount,
            milestone.MarketplaceFee,
            milestone.ContractInitiationFee,
            InvoicePaymentStatus.Paid,
            "pi_1",
            Moments.Now);
        await Save(db => db.Add(invoice));

        await using var db = _database.NewContext();
        var loaded = await db.Set<Invoice>().SingleAsync(i => i.Id == invoice.Id);

        Assert.Equal("INV-2026-000001", loaded.Number);
        Assert.Equal(InvoiceKind.EmployerFunding, loaded.Kind);
        Assert.Equal(BillingType.FixedPriceMilestone, loaded.BillingType);
        Assert.Equal(Money.FromCents(55_995), loaded.Total);
        Assert.Equal((Parties.Employer, (UserId?)Parties.Trainer), (loaded.EmployerId, loaded.TrainerId));
        Assert.Equal((hire.Job.Id, hire.Contract.Id, milestone.Id, 1), (loaded.JobId!.Value, loaded.ContractId!.Value, loaded.MilestoneId!.Value, loaded.FundingAttempt!.Value));
        Assert.Equal((InvoicePaymentStatus.Paid, "pi_1", Moments.Now), (loaded.PaymentStatus, loaded.PaymentReference, loaded.PaidAt!.Value));
        Assert.Equal(
            [
                (InvoiceLineKind.Milestone, milestone.Description, Money.FromCents(50_000)),
                (InvoiceLineKind.MarketplaceFee, "Marketplace fee", Money.FromCents(5_000)),
                (InvoiceLineKind.ContractInitiationFee, "Contract initiation fee", Money.FromCents(995)),
            ],
            loaded.Lines.Select(l => (l.Kind, l.Description, l.Amount)).OrderBy(l => l.Kind));
    }

    [Fact]
    public async Task BillingProfile_WhenSavedWithAPaymentMethod_KeepsIt()
    {
        var profile = Hire.FundingReadyProfile(Parties.Employer, Moments.Now);
        profile.ChangePlan(BillingPlan.Agency, SubscriptionStatus.Active, "sub_1", Moments.Now);
        await Save(db => db.Add(profile));

        await using var db = _database.NewContext();
        var loaded = await db.Set<EmployerBillingProfile>().SingleAsync(p => p.Id == Parties.Employer);

        Assert.Equal($"cus_{Parties.Employer.Value:N}", loaded.CustomerId);
        Assert.Equal(new PaymentMethodSummary("pm_card_visa", PaymentMethodType.Card, "visa", "4242"), loaded.DefaultPaymentMethod);
        Assert.Equal((BillingPlan.Agency, SubscriptionStatus.Active, "sub_1"), (loaded.Plan, loaded.SubscriptionStatus, loaded.SubscriptionId));
        Assert.Same(loaded.DefaultPaymentMethod, loaded.EnsureCanFund());
    }

    [Fact]
    public async Task BillingProfile_WhenSavedWithoutAPaymentMethod_ComesBackWithoutOne()
    {
        var profile = EmployerBillingProfile.Open(Parties.Employer, Moments.Now);
        profile.LinkCustomer("cus_1");
        await Save(db => db.Add(profile));

        await using var db = _database.NewContext();
        var loaded = await db.Set<EmployerBillingProfile>().SingleAsync(p => p.Id == Parties.Employer);

        Assert.Null(loaded.DefaultPaymentMethod);
        Assert.Equal("cus_1", loaded.CustomerId);
    }

    [Fact]
    public async Task BillingProfile_WhenThePaymentMethodIsReplacedAfterLoading_SavesTheNewOne()
    {
        await Save(db => db.Add(Hire.FundingReadyProfile(Parties.Employer, Moments.Now)));
        await using (var db = _database.NewContext())
        {
            var tracked = await db.Set<EmployerBillingProfile>().SingleAsync(p => p.Id == Parties.Employer);
            tracked.SetDefaultPaymentMethod(new PaymentMethodSummary("pm_usBankAccount", PaymentMethodType.UsBankAccount, "STRIPE TEST BANK", "6789"), Moments.Now);
            await db.SaveChangesAsync();
        }

        await using var check = _database.NewContext();
        var loaded = await check.Set<EmployerBillingProfile>().SingleAsync(p => p.Id == Parties.Employer);
        Assert.Equal(new PaymentMethodSummary("pm_usBankAccount", PaymentMethodType.UsBankAccount, "STRIPE TEST BANK", "6789"), loaded.DefaultPaymentMethod);
    }

    [Fact]
    public async Task PayoutAccount_WhenItsRequirementsChangeAfterLoading_SavesTheNewList()
    {
        var account = TrainerPayoutAccount.Start(Parties.Trainer, "us", "acct_1", Moments.Now);
        account.ApplyProviderStatus(false, false, ["external_account", "individual.dob.day"], false, Moments.Now);
        await Save(db => db.Add(account));

        await using (var db = _database.NewContext())
        {
            var loaded = await db.Set<TrainerPayoutAccount>().SingleAsync(a => a.Id == Parties.Trainer);
            Assert.Equal(["external_account", "individual.dob.day"], loaded.RequirementsDue);
            Assert.Equal(("US", "acct_1", PayoutAccountStatus.Onboarding), (loaded.Country, loaded.ConnectedAccountId, loaded.Status));
            loaded.ApplyProviderStatus(false, false, ["individual.verification.document"], true, Moments.Now.AddDays(1));
            await db.SaveChangesAsync();
        }

        await using var check = _database.NewContext();
        var reloaded = await check.Set<TrainerPayoutAccount>().SingleAsync(a => a.Id == Parties.Trainer);
        Assert.Equal(["individual.verification.document"], reloaded.RequirementsDue);
        Assert.Equal(PayoutAccountStatus.Restricted, reloaded.Status);
        Assert.Equal(Moments.Now.AddDays(1), reloaded.UpdatedAt);
    }

    [Fact]
    public async Task JobContractAndUser_WhenSavedAndReloaded_KeepTheirFacts()
    {
        var hire = new Hire(Moments.Now);
        hire.Contract.MilestoneFunded(Moments.Now.AddHours(1));
        var user = UserProfile.Register(Parties.Trainer, UserRole.Trainer, "Tess", "tess@example.com", Moments.Now);
        await Save(db =>
        {
            hire.AddTo(db);
            db.Add(user);
        });

        await using var db = _database.NewContext();
        var job = await db.Set<Job>().SingleAsync();
        var contract = await db.Set<Contract>().SingleAsync();
        var loadedUser = await db.Set<UserProfile>().SingleAsync();

        Assert.Equal((hire.Job.Title, "Pairs for RLHF", JobStatus.Open, Parties.Employer), (job.Title, job.Description, job.Status, job.EmployerId));
        Assert.Equal((ContractStatus.Active, Moments.Now.AddHours(1), Parties.Trainer, hire.Job.Id), (contract.Status, contract.ActivatedAt!.Value, contract.TrainerId, contract.JobId));
        Assert.Equal((UserRole.Trainer, "Tess", "tess@example.com"), (loadedUser.Role, loadedUser.Name, loadedUser.Email));
    }

    private async Task Save(Action<Infrastructure.Persistence.AppDbContext> add)
    {
        await using var db = _database.NewContext();
        add(db);
        await db.SaveChangesAsync();
    }
}
