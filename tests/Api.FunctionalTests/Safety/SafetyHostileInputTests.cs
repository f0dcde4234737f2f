using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>A contract world shared by the hostile-input tests: each refused request must leave it as it was.</summary>
public sealed class SafetyHostileFixture : IAsyncLifetime, IDisposable
{
    public ApiFactory Factory { get; } = ApiFactory.Create(SafetyHost.HostOptions with
    {
        // A limit below the default proves it is configurable and keeps the oversized bodies small; 10,000-character strings still fit.
        Settings = new Dictionary<string, string?> { ["Api:MaxRequestBodyBytes"] = "16384" },
    });

    public ApiClient Api { get; private set; } = null!;

    public Actor Employer { get; private set; } = null!;

    public Actor Trainer { get; private set; } = null!;

    public Hired Hire { get; private set; } = null!;

    public Guid UnfundedMilestoneId { get; private set; }

    public async Task InitializeAsync()
    {
        Api = Factory.CreateApiClient();
        Employer = await Api.EmployerAsync();
        Trainer = await Api.TrainerAsync();
        Hire = await Api.HireOnNewJobAsync(Employer, Trainer);
        UnfundedMilestoneId = await Api.AddMilestoneAsync(Employer, Hire.ContractId, amount: 20_000);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Factory.Dispose();

    /// <summary>Every row that a request could write, with versions: equal before and after means nothing changed.</summary>
    public Task<string> SnapshotAsync() => Factory.QueryAsync(async db =>
    {
        var lines = new List<string>();
        lines.AddRange(await db.Set<Milestone>().AsNoTracking().Select(m => $"m {m.Id} {m.Status} v{m.Version} {m.TrainerId} {m.EmployerId} {m.Amount.Amount} {m.Title}").ToListAsync());
        lines.AddRange(await db.Set<Contract>().AsNoTracking().Select(c => $"c {c.Id} {c.Status} v{c.Version} {c.TrainerId}").ToListAsync());
        lines.AddRange(await db.Set<Job>().AsNoTracking().Select(j => $"j {j.Id} v{j.Version}").ToListAsync());
        lines.AddRange(await db.Set<EmployerBillingProfile>().AsNoTracking().Select(p => $"b {p.Id} v{p.Version}").ToListAsync());
        lines.AddRange(await db.Set<TrainerPayoutAccount>().AsNoTracking().Select(a => $"a {a.Id} v{a.Version}").ToListAsync());
        lines.Add($"outbox {await db.OutboxMessages.CountAsync()} idempotency {await db.Set<IdempotencyRecord>().CountAsync()}");
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    });
}

/// <summary>
/// Issue 6 §5, only what tests/Api.FunctionalTests/Errors does not already send: bodies over the size
/// limit, identity members smuggled into PATCH and add-milestone, <c>status</c> on fund, and control
/// characters and 10,000-character strings in the text fields the Errors tests leave out. Each is a
/// 4xx problem that changes nothing and logs no error.
/// </summary>
public sealed class SafetyHostileInputTests(SafetyHostileFixture fixture) : IClassFixture<SafetyHostileFixture>
{
    private static readonly string _tenThousand = new('a', 10_000);

    // Guards: HttpHardening.UseRequestSizeLimit (Api:MaxRequestBodyBytes): an oversized body is refused before anything reads it.
    [Theory]
    [InlineData("POST", "/api/v1/jobs")]
    [InlineData("POST", "/api/v1/jobs/{job}/contracts")]
    [InlineData("POST", "/api/v1/milestones/{unfunded}/fund")]
    [InlineData("PATCH", "/api/v1/milestones/{unfunded}")]
    public async Task Send_WhenTheBodyIsOverTheSizeLimit_Answers413ProblemAndWritesNothing(string method, string path)
    {
        var before = await fixture.SnapshotAsync();
        var body = "{\"title\":\"" + new string('x', 20_000) + "\"}";

        var response = await fixture.Api.SendRawAsync(new HttpMethod(method), Fill(path), fixture.Employer, body);

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    // Guards: the strict JSON reader (UnmappedMemberHandling.Disallow): no mass assignment of the parties or the contract of a milestone.
    [Theory]
    [InlineData("PATCH", "/api/v1/milestones/{unfunded}", "{\"trainerId\":\"{stranger}\"}", "trainerId")]
    [InlineData("PATCH", "/api/v1/milestones/{unfunded}", "{\"title\":\"Batch\",\"trainerId\":\"{stranger}\"}", "trainerId")]
    [InlineData("PATCH", "/api/v1/milestones/{unfunded}", "{\"employerId\":\"{stranger}\"}", "employerId")]
    [InlineData("PATCH", "/api/v1/milestones/{unfunded}", "{\"contractId\":\"{stranger}\"}", "contractId")]
    [InlineData("PATCH", "/api/v1/milestones/{unfunded}", "{\"amount\":5000,\"paidAt\":\"2026-01-01T00:00:00Z\"}", "paidAt")]
    [InlineData("POST", "/api/v1/contracts/{contract}/milestones", "{\"description\":\"Pairs\",\"amount\":5000,\"trainerId\":\"{stranger}\"}", "trainerId")]
    [InlineData("POST", "/api/v1/milestones/{unfunded}/fund", "{\"status\":\"active_funded\"}", "status")]
    [InlineData("POST", "/api/v1/billing/payment-methods", "{\"paymentMethodId\":\"pm_card_visa\",\"customerId\":\"cus_other\"}", "customerId")]
    [InlineData("POST", "/api/v1/payouts/account", "{\"country\":\"US\",\"payoutsEnabled\":true}", "payoutsEnabled")]
    public async Task Send_WhenTheBodySmugglesAMember_Answers400NamingItAndChangesNothing(string method, string path, string body, string field)
    {
        var actor = path.StartsWith("/api/v1/payouts", StringComparison.Ordinal) ? fixture.Trainer : fixture.Employer;
        var before = await fixture.SnapshotAsync();
        var errors = fixture.Factory.Logs.Lines.Count(l => l.StartsWith("[Error]", StringComparison.Ordinal));

        var response = await fixture.Api.SendRawAsync(new HttpMethod(method), Fill(path), actor, Fill(body));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request", field);
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.Equal(errors, fixture.Factory.Logs.Lines.Count(l => l.StartsWith("[Error]", StringComparison.Ordinal)));
        Assert.Equal(fixture.Trainer.Id, (await fixture.Factory.LoadMilestoneAsync(fixture.UnfundedMilestoneId)).TrainerId.Value);
    }

    public static TheoryData<string, string, string, string> TextFields => new()
    {
        // Fields the Errors tests do not send control characters or 10,000 characters to.
        { "submit note, 10,000 characters", "/api/v1/milestones/{funded}/submit", "{\"note\":\"" + _tenThousand + "\"}", "note" },
        { "payment method id, 10,000 characters", "/api/v1/billing/payment-methods", "{\"paymentMethodId\":\"pm_" + _tenThousand + "\"}", "paymentMethodId" },
        { "payment method id, NUL", "/api/v1/billing/payment-methods", "{\"paymentMethodId\":\"pm_card_visa\\u0000\"}", "paymentMethodId" },
        { "payment method id, escape sequence", "/api/v1/billing/payment-methods", "{\"paymentMethodId\":\"pm_\\u001b[2Jvisa\"}", "paymentMethodId" },
        { "payout country, 10,000 characters", "/api/v1/payouts/account", "{\"country\":\"" + _tenThousand + "\"}", "country" },
        { "payout country, NUL", "/api/v1/payouts/account", "{\"country\":\"U\\u0000\"}", "country" },
        { "payout country, line break", "/api/v1/payouts/account", "{\"country\":\"U\\nS\"}", "country" },
    };

    // Guards: the validators' length and NoControlCharacters rules on these fields: a 400 naming the field, nothing written, no error logged.
    [Theory]
    [MemberData(nameof(TextFields))]
    public async Task Post_WhenATextFieldIsHostile_Answers400NamingItAndChangesNothing(string name, string path, string body, string field)
    {
        var actor = path.Contains("/submit", StringComparison.Ordinal) || path.StartsWith("/api/v1/payouts", StringComparison.Ordinal) ? fixture.Trainer : fixture.Employer;
        var before = await fixture.SnapshotAsync();
        var errors = fixture.Factory.Logs.Lines.Count(l => l.StartsWith("[Error]", StringComparison.Ordinal));

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, Fill(path), actor, body);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", field);
        Assert.True(Encoding.UTF8.GetByteCount(problem.ToString()) < 10_000, $"{name}: the problem must not echo the input back");
        Assert.Equal(before, await fixture.SnapshotAsync());
        Assert.Equal(errors, fixture.Factory.Logs.Lines.Count(l => l.StartsWith("[Error]", StringComparison.Ordinal)));
    }

    private string Fill(string template) => template
        .Replace("{job}", fixture.Hire.JobId.ToString(), StringComparison.Ordinal)
        .Replace("{contract}", fixture.Hire.ContractId.ToString(), StringComparison.Ordinal)
        .Replace("{funded}", fixture.Hire.MilestoneId.ToString(), StringComparison.Ordinal)
        .Replace("{unfunded}", fixture.UnfundedMilestoneId.ToString(), StringComparison.Ordinal)
        .Replace("{stranger}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
}
