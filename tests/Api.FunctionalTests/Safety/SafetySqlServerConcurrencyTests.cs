// The SQL Server concurrency suite (issue 6 §8). It runs only when OPENTRAIN_SQLSERVER holds a
// connection string to a SQL Server database the suite may migrate and fill (use a dedicated,
// disposable database: the invoice-number test expects no other writer in it), and is skipped
// otherwise. For example, with a local SQL Server in a container:
//
//   docker run -e ACCEPT_EULA=Y -e MSSQL_SA_PASSWORD='Str0ng!Passw0rd' -p 1433:1433 -d mcr.microsoft.com/mssql/server:2022-latest
//   OPENTRAIN_SQLSERVER='Server=localhost,1433;Database=OpenTrainSafety;User Id=sa;Password=Str0ng!Passw0rd;TrustServerCertificate=True' \
//     dotnet test tests/Api.FunctionalTests --filter "FullyQualifiedName~SafetySqlServerConcurrencyTests"
//
// The host runs with Database:Provider=SqlServer, ConnectionStrings:OpenTrain=$OPENTRAIN_SQLSERVER and
// Database:MigrateOnStartup=true (the SQL Server migrations are applied at start); the payment
// simulator keeps its own SQLite ledger in a temp directory as usual.
using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>A fact that runs only when <c>OPENTRAIN_SQLSERVER</c> names a SQL Server database, and is skipped (not failed) otherwise.</summary>
public sealed class SafetySqlServerFactAttribute : FactAttribute
{
    public const string Variable = "OPENTRAIN_SQLSERVER";

    public SafetySqlServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"Set {Variable} to a SQL Server connection string to run the SQL Server concurrency suite (see the top of this file).";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);
}

/// <summary>Two approvals at once and twenty invoice numbers at once, on SQL Server's locking rather than SQLite's single writer.</summary>
public sealed class SafetySqlServerConcurrencyTests
{
    // Guards: the milestone's concurrency Version (rowversion-style check in the UPDATE) under READ COMMITTED: one approval, one 409, one payout.
    [SafetySqlServerFact]
    public async Task Approve_WhenTwoApprovalsArriveAtOnceOnSqlServer_OneSucceedsOneGets409AndOnePayoutIsSent()
    {
        using var factory = SqlServer();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        var milestones = new List<Guid> { hire.MilestoneId };
        for (var i = 0; i < 4; i++)
        {
            var milestoneId = await api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000);
            await Expect.StatusAsync(await api.FundAsync(employer, milestoneId), HttpStatusCode.OK);
            milestones.Add(milestoneId);
        }

        foreach (var milestoneId in milestones)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requests = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await gate.Task;
                return await api.ApproveAsync(employer, milestoneId);
            })).ToArray();
            gate.SetResult();
            var responses = await Task.WhenAll(requests);

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var refused = await Expect.StatusAsync(Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK), HttpStatusCode.Conflict);
            Assert.Contains(refused.Str("code"), new[] { "concurrency_conflict", "milestone_not_approvable" });
            Assert.Equal(1, await factory.CountOutboxAsync(nameof(MilestoneApproved), milestoneId));
        }

        await Task.WhenAll(Task.Run(factory.RunPayoutJobAsync), Task.Run(factory.RunPayoutJobAsync));
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await factory.RunPayoutJobAsync();
        foreach (var milestoneId in milestones)
        {
            Assert.Equal(MilestoneStatus.Paid, (await factory.LoadMilestoneAsync(milestoneId)).Status);
            Assert.Single(factory.TransfersOf(milestoneId));
        }
    }

    // Guards: the invoice counter row (MERGE ... WITH (HOLDLOCK) ... OUTPUT inside the issuing transaction) and the unique index on Invoices.Number.
    [SafetySqlServerFact]
    public async Task Fund_WhenTwentyFundingsIssueInvoicesAtOnceOnSqlServer_TheNumbersAreDistinctAndGapFree()
    {
        using var factory = SqlServer();
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        var milestones = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            milestones.Add(await api.AddMilestoneAsync(employer, hire.ContractId, amount: 20_000));
        }

        var responses = await Task.WhenAll(milestones.Select(id => Task.Run(() => api.FundAsync(employer, id))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var numbers = new List<string>();
        foreach (var milestoneId in milestones)
        {
            var invoice = Assert.Single(await factory.LoadInvoicesOfMilestoneAsync(milestoneId));
            Assert.Equal(InvoiceKind.EmployerFunding, invoice.Kind);
            numbers.Add(invoice.Number);
        }

        Assert.Equal(20, numbers.Distinct(StringComparer.Ordinal).Count());
        var sequence = numbers.Select(n => int.Parse(n[(n.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(sequence[0], 20), sequence);
    }

    private static ApiFactory SqlServer() => ApiFactory.Create(SafetyHost.HostOptions with
    {
        Settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:OpenTrain"] = SafetySqlServerFactAttribute.ConnectionString,
            ["Database:MigrateOnStartup"] = "true",
        },
    });
}
