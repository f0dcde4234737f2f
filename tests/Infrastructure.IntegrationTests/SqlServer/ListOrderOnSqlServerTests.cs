using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Contracts.ListContracts;
using OpenTrain.Clean.Application.Invoices.ListInvoices;
using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Application.Notifications;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>
/// The statements the list handlers send to SQL Server (EF Core's own SQL for the SQL Server model, read
/// back with ScriptDom): newest first by the creation instant, the id only after it.
/// </summary>
public sealed class ListOrderOnSqlServerTests
{
    public static TheoryData<string, string> Lists => new()
    {
        { "jobs", "CreatedAt" },
        { "contracts", "HiredAt" },
        { "invoices", "IssuedAt" },
        { "report", "IssuedAt" },
        { "notifications", "CreatedAt" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task ListQuery_OnSqlServer_OrdersByTheInstantThenTheIdOnEveryPage(string list, string instant)
    {
        using var db = SqlServerScript.Context();
        var store = new StatementCapture(db);
        var user = new TestUser(Parties.Employer, UserRole.Employer);

        foreach (var after in new Guid?[] { null, Guid.CreateVersion7() })
        {
            _ = list switch
            {
                "jobs" => (object)await new ListJobsHandler(store, user).Handle(new ListJobsQuery(null, 20, after), CancellationToken.None),
                "contracts" => await new ListContractsHandler(store, user).Handle(new ListContractsQuery(null, null, 20, after), CancellationToken.None),
                "invoices" => await new ListInvoicesHandler(store, user).Handle(new ListInvoicesQuery(null, null, null, 20, after), CancellationToken.None),
                "report" => await new InvoiceReportHandler(store, user).Handle(new InvoiceReportQuery(new InvoiceReportFilter(null, null, null, null, null), 20, after), CancellationToken.None),
                _ => await new ListNotificationsHandler(store, user).Handle(new ListNotificationsQuery(), CancellationToken.None),
            };
        }

        var ordered = store.Statements.Select(OrderByColumns).Where(columns => columns.Count > 0).ToList();
        Assert.NotEmpty(ordered);
        Assert.All(ordered, columns => Assert.Equal([instant, "Id"], columns.Take(2)));
    }

    /// <summary>The outermost ORDER BY's column names, in order.</summary>
    private static List<string> OrderByColumns(string sql)
    {
        var script = SqlServerScript.Parse(sql, out var errors);
        Assert.True(errors.Count == 0, SqlServerScript.Describe(sql, errors));
        var select = script.Batches.SelectMany(b => b.Statements).OfType<SelectStatement>().LastOrDefault();
        var specification = select?.QueryExpression as QuerySpecification;
        return specification?.OrderByClause?.OrderByElements
            .Select(e => e.Expression is ColumnReferenceExpression column ? column.MultiPartIdentifier.Identifiers[^1].Value : "?")
            .ToList() ?? [];
    }

    /// <summary>Runs nothing: records each statement as SQL Server would receive it; a cursor row is found at a fixed instant.</summary>
    private sealed class StatementCapture(AppDbContext db) : IReadStore
    {
        public List<string> Statements { get; } = [];

        public IQueryable<T> Query<T>()
            where T : class => db.Set<T>().AsNoTracking();

        public Task<List<T>> ToListAsync<T>(IQueryable<T> query, CancellationToken cancellationToken)
        {
            Statements.Add(query.ToQueryString());
            return Task.FromResult(new List<T>());
        }

        public Task<T?> FirstOrDefaultAsync<T>(IQueryable<T> query, CancellationToken cancellationToken)
        {
            Statements.Add(query.ToQueryString());
            return Task.FromResult(typeof(T) == typeof(DateTimeOffset?) ? (T?)(object?)Moments.Now : default);
        }

        public Task<bool> AnyAsync<T>(IQueryable<T> query, CancellationToken cancellationToken)
        {
            Statements.Add(query.ToQueryString());
            return Task.FromResult(false);
        }
    }
}
