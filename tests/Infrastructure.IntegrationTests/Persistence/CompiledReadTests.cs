using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Application.Invoices.ListInvoices;
using OpenTrain.Clean.Application.Milestones;
using OpenTrain.Clean.Application.Milestones.GetMilestone;
using OpenTrain.Clean.Application.Milestones.ListMilestones;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// The hot reads run as EF Core compiled queries (<see cref="CompiledRead{TArgs, TResult}"/>, decision 012). Each is
/// checked three ways on a real SQLite file: against the rows loaded and filtered by hand (who sees what, as
/// <c>Visibility</c> says), against the same read run as an ordinary query (<see cref="CompiledRead{TArgs, TResult}.Bind"/>,
/// the path before compiling), and, for the statements, that a filter left out is not in the SQL.
/// </summary>
public sealed class CompiledReadTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly Hire _hire = new(Start);
    private readonly Hire _other = new(Start, Parties.OtherEmployer, "Someone else's job");

    public CompiledReadTests()
    {
        for (var i = 0; i < 5; i++)
        {
            var milestone = _hire.AddMilestone(Start.AddMinutes(i), cents: 10_000 + i);
            if (i < 3)
            {
                Hire.Fund(milestone, Start.AddMinutes(10 + i));
            }

            if (i == 0)
            {
                milestone.Submit(Parties.Trainer, "done", Start.AddMinutes(20));
            }
        }

        _other.AddMilestone(Start);
        using var db = _database.NewContext();
        _hire.AddTo(db);
        _other.AddTo(db);
        var number = 0;
        foreach (var milestone in _hire.Milestones.Concat(_other.Milestones))
        {
            var subject = new InvoiceSubject(milestone.EmployerId, milestone.TrainerId, milestone.JobId, milestone.ContractId, milestone.Id, 1, "Job", milestone.Title);
            var status = number % 2 == 0 ? InvoicePaymentStatus.Paid : InvoicePaymentStatus.Pending;
            db.Add(Invoice.IssueFunding($"INV-2026-{++number:000000}", subject, milestone.Amount, Money.FromCents(500), Money.FromCents(0), status, $"pi_{number}", Start.AddHours(number)));
            db.Add(Invoice.IssuePayout($"PAY-2026-{number:000000}", subject, milestone.Amount, $"tr_{number}", Start.AddHours(number).AddMinutes(1)));
        }

        db.Add(Invoice.IssueSubscription("SUB-2026-000001", Parties.Employer, "Agency", Money.FromCents(4_900), InvoicePaymentStatus.Paid, "in_1", Start.AddDays(1)));
        db.SaveChanges();
    }

    public static TheoryData<string> Viewers => ["employer", "trainer", "admin", "other employer", "other trainer"];

    public void Dispose() => _database.Dispose();

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task GetMilestone_Compiled_ShowsWhatVisibilityAllowsWithItsTimeline(string viewer)
    {
        var user = User(viewer);
        await using var db = _database.NewContext();
        foreach (var milestone in _hire.Milestones.Concat(_other.Milestones))
        {
            var stored = await db.Set<Milestone>().AsNoTracking().SingleAsync(m => m.Id == milestone.Id);
            var visible = user.Role == UserRole.Admin || stored.EmployerId == user.Id || (user.Role == UserRole.Trainer && stored.TrainerId == user.Id);
            var read = () => new GetMilestoneHandler(new ReadStore(db), user).Handle(new GetMilestoneQuery(milestone.Id.Value), CancellationToken.None).AsTask();

            if (!visible)
            {
                await Assert.ThrowsAsync<NotFoundException>(read);
                continue;
            }

            var expected = stored.ToResponse(viewerIsEmployer: stored.EmployerId == user.Id, includeTimeline: true);
            Assert.NotEmpty(expected.Timeline!);
            Assert.Equal(JsonOf(expected), JsonOf(await read()));
        }
    }

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task ListMilestones_Compiled_PagesByStatusAndCursorAsTheLoadedRowsSay(string viewer)
    {
        var user = User(viewer);
        await using var db = _database.NewContext();
        var stored = await db.Set<Milestone>().AsNoTracking().Where(m => m.ContractId == _hire.Contract.Id).ToListAsync();
        var visible = user.Role == UserRole.Admin || _hire.Contract.EmployerId == user.Id || (user.Role == UserRole.Trainer && _hire.Contract.TrainerId == user.Id);
        var cases = new (MilestoneStatus? Status, int Limit, int? AfterIndex)[] { (null, 20, null), (null, 2, null), (null, 2, 1), (MilestoneStatus.ActiveFunded, 20, null), (MilestoneStatus.ActiveFunded, 1, 1), (MilestoneStatus.Cancelled, 20, null) };

        foreach (var (status, limit, afterIndex) in cases)
        {
            var after = afterIndex is { } index ? _hire.Milestones[index].Id : (MilestoneId?)null;
            var query = new ListMilestonesQuery(_hire.Contract.Id.Value, status, limit, after?.Value);
            var read = () => new ListMilestonesHandler(new ReadStore(db), user).Handle(query, CancellationToken.None).AsTask();
            if (!visible)
            {
                await Assert.ThrowsAsync<NotFoundException>(read);
                continue;
            }

            var afterSequence = after is { } cursor ? stored.Single(m => m.Id == cursor).Sequence : int.MinValue;
            var matching = stored.Where(m => (status is null || m.Status == status) && m.Sequence > afterSequence).OrderBy(m => m.Sequence).ToList();
            var expected = matching.Take(limit).Select(m => m.ToResponse(viewerIsEmployer: m.EmployerId == user.Id, includeTimeline: false));

            var page = await read();

            Assert.Equal(JsonOf(expected), JsonOf(page.Data));
            Assert.Equal(matching.Count > limit, page.HasMore);
            Assert.Equal(JsonOf(page), JsonOf(await new ListMilestonesHandler(new PlainReadStore(db), user).Handle(query, CancellationToken.None)));
        }
    }

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task InvoiceListAndReport_Compiled_AnswerWhatTheSameReadsAnswerUncompiled(string viewer)
    {
        var user = User(viewer);
        await using var db = _database.NewContext();
        var milestone = _hire.Milestones[1].Id.Value;
        var filters = new InvoiceReportFilter[]
        {
            new(null, null, null, null, null),
            new(InvoiceKind.EmployerFunding, null, null, null, null),
            new(null, InvoicePaymentStatus.Pending, null, null, null),
            new(null, null, Start.AddHours(2), Start.AddHours(5), null),
            new(null, InvoicePaymentStatus.Paid, null, null, _other.Job.Id.Value),
        };

        foreach (var limit in new[] { 2, 50 })
        {
            foreach (var filter in filters)
            {
                var compiled = await PagesAsync(cursor => new InvoiceReportHandler(new ReadStore(db), user).Handle(new InvoiceReportQuery(filter, limit, cursor), CancellationToken.None).AsTask(), r => r.NextCursor);
                var plain = await PagesAsync(cursor => new InvoiceReportHandler(new PlainReadStore(db), user).Handle(new InvoiceReportQuery(filter, limit, cursor), CancellationToken.None).AsTask(), r => r.NextCursor);
                Assert.Equal(JsonOf(plain), JsonOf(compiled));
            }

            foreach (var (kind, status, milestoneId) in new (InvoiceKind?, InvoicePaymentStatus?, Guid?)[] { (null, null, null), (InvoiceKind.TrainerPayout, null, null), (null, InvoicePaymentStatus.Paid, milestone) })
            {
                var compiled = await PagesAsync(cursor => new ListInvoicesHandler(new ReadStore(db), user).Handle(new ListInvoicesQuery(kind, status, milestoneId, limit, cursor), CancellationToken.None).AsTask(), r => r.NextCursor);
                var plain = await PagesAsync(cursor => new ListInvoicesHandler(new PlainReadStore(db), user).Handle(new ListInvoicesQuery(kind, status, milestoneId, limit, cursor), CancellationToken.None).AsTask(), r => r.NextCursor);
                Assert.Equal(JsonOf(plain), JsonOf(compiled));
            }
        }

        // Who sees what: the rows themselves, counted by hand.
        var all = await db.Set<Invoice>().AsNoTracking().ToListAsync();
        var expected = all.Where(i => user.Role switch
        {
            UserRole.Admin => true,
            UserRole.Employer => i.EmployerId == user.Id && i.Kind != InvoiceKind.TrainerPayout,
            _ => i.TrainerId == user.Id && i.Kind == InvoiceKind.TrainerPayout,
        }).ToList();
        var report = await new InvoiceReportHandler(new ReadStore(db), user).Handle(new InvoiceReportQuery(new InvoiceReportFilter(null, null, null, null, null), 1000), CancellationToken.None);
        Assert.Equal(expected.Select(i => i.Id.Value).Order(), report.Data.Select(i => i.Id).Order());
        Assert.Equal(expected.Sum(i => i.Total.Amount), report.Totals.Sum(t => t.Total));
        Assert.Equal(expected.Count, report.Totals.Sum(t => t.Count));
    }

    [Fact]
    public async Task InvoiceReport_ForACursorTheCallerCannotSee_AnswersAnEmptyPageWithTheTotals()
    {
        await using var db = _database.NewContext();
        var foreign = await db.Set<Invoice>().AsNoTracking().FirstAsync(i => i.EmployerId == Parties.OtherEmployer);

        var page = await new InvoiceReportHandler(new ReadStore(db), User("employer")).Handle(new InvoiceReportQuery(new InvoiceReportFilter(null, null, null, null, null), 20, foreign.Id.Value), CancellationToken.None);

        Assert.Empty(page.Data);
        Assert.False(page.HasMore);
        Assert.NotEmpty(page.Totals);
    }

    [Fact]
    public async Task CompiledReads_WithoutAFilter_SendNoTestOfTheMissingFilterAndFilterByTheCaller()
    {
        var statements = new List<string>();
        await using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new CommandCapture(statements))
            .Options);
        var employer = User("employer");

        await new InvoiceReportHandler(new ReadStore(db), employer).Handle(new InvoiceReportQuery(new InvoiceReportFilter(null, null, null, null, null), 20), CancellationToken.None);
        await new ListMilestonesHandler(new ReadStore(db), employer).Handle(new ListMilestonesQuery(_hire.Contract.Id.Value, null), CancellationToken.None);
        await new ListMilestonesHandler(new ReadStore(db), employer).Handle(new ListMilestonesQuery(_hire.Contract.Id.Value, MilestoneStatus.ActiveFunded), CancellationToken.None);

        // The report's page (its lines joined) and its totals; then per list the contract's employer and the page.
        Assert.Equal(6, statements.Count);
        Assert.All(statements, sql => Assert.DoesNotContain("IS NULL", sql, StringComparison.Ordinal));
        Assert.All(statements[..2], sql => Assert.Contains("\"EmployerId\" = @User", sql, StringComparison.Ordinal));
        Assert.DoesNotContain("\"Status\" = @", statements[3], StringComparison.Ordinal);
        Assert.Contains("\"Status\" = @Status", statements[5], StringComparison.Ordinal);
    }

    private static TestUser User(string viewer) => viewer switch
    {
        "employer" => new(Parties.Employer, UserRole.Employer),
        "trainer" => new(Parties.Trainer, UserRole.Trainer),
        "admin" => new(new UserId(Guid.CreateVersion7()), UserRole.Admin),
        "other employer" => new(Parties.OtherEmployer, UserRole.Employer),
        _ => new(Parties.OtherTrainer, UserRole.Trainer),
    };

    private static string JsonOf(object? value) => JsonSerializer.Serialize(value, Json);

    private static async Task<List<T>> PagesAsync<T>(Func<Guid?, Task<T>> page, Func<T, string?> next)
    {
        var pages = new List<T>();
        Guid? cursor = null;
        do
        {
            var current = await page(cursor);
            pages.Add(current);
            cursor = next(current) is { } token ? Guid.Parse(token) : null;
        }
        while (cursor is not null && pages.Count < 50);

        return pages;
    }

    /// <summary>Implements only the plain members: compiled reads run through the interface's default, as ordinary queries.</summary>
    private sealed class PlainReadStore(AppDbContext db) : IReadStore
    {
        public IQueryable<T> Query<T>()
            where T : class => db.Set<T>().AsNoTracking();

        public Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.ToListAsync(cancellationToken);

        public Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.FirstOrDefaultAsync(cancellationToken);

        public Task<bool> AnyAsync<T>(IQueryable<T> query, CancellationToken cancellationToken) => query.AnyAsync(cancellationToken);
    }

    private sealed class CommandCapture(List<string> statements) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            statements.Add(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
