using System.Data.SqlTypes;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Common.Paging;
using OpenTrain.Clean.Application.Contracts.ListContracts;
using OpenTrain.Clean.Application.Invoices.ListInvoices;
using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Application.Notifications;
using OpenTrain.Clean.Application.Reports;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// Newest first on both providers. SQL Server orders uniqueidentifier by its last six bytes first, which
/// are random in a version 7 GUID; so the lists order by their creation instant and use the id only
/// between rows of the same instant. Proven here by giving rows ids whose order (SQLite's text order and
/// SQL Server's SqlGuid order alike) is the opposite of their creation: the lists must not care.
/// </summary>
public sealed class NewestFirstTests : IDisposable
{
    private const int Rows = 7;
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly TestUser _employer = new(Parties.Employer, UserRole.Employer);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void SqlGuidOrder_OfVersion7IdsMadeOneAfterAnother_IsNotTheirCreationOrder()
    {
        var start = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 1000).Select(i => Guid.CreateVersion7(start.AddMilliseconds(i))).ToList();
        var position = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);

        var sqlServerOrder = ids.OrderBy(id => new SqlGuid(id)).ToList();
        var sqliteOrder = ids.OrderBy(id => id.ToString("D").ToUpperInvariant(), StringComparer.Ordinal).ToList();

        var outOfOrder = sqlServerOrder.Zip(sqlServerOrder.Skip(1)).Count(pair => position[pair.First] > position[pair.Second]);
        Assert.True(outOfOrder > 300, $"only {outOfOrder} of 999 neighbours out of creation order");
        Assert.Equal(ids, sqliteOrder);
    }

    [Fact]
    public async Task ListJobs_WhenIdsSortOppositeToCreation_PagesNewestFirst()
    {
        var created = await SeedAsync(i => Job.Create(Parties.Employer, $"Job {i}", null, At(i)), j => j.Id.Value, "Jobs");

        var listed = await PageThroughAsync(async (db, after) =>
        {
            var page = await new ListJobsHandler(new ReadStore(db), _employer).Handle(new ListJobsQuery(null, 2, after), CancellationToken.None);
            return (page.Data.Select(j => j.Id).ToList(), page.NextCursor);
        });

        Assert.Equal(created.AsEnumerable().Reverse(), listed);
    }

    [Fact]
    public async Task ListContracts_WhenIdsSortOppositeToCreation_PagesNewestFirst()
    {
        var job = Job.Create(Parties.Employer, "Job", null, At(0));
        await using (var db = _database.NewContext())
        {
            db.Add(job);
            await db.SaveChangesAsync();
        }

        var created = await SeedAsync(i => Contract.Hire(job, Parties.Trainer, At(i)), c => c.Id.Value, "Contracts");

        var listed = await PageThroughAsync(async (db, after) =>
        {
            var page = await new ListContractsHandler(new ReadStore(db), _employer).Handle(new ListContractsQuery(null, null, 2, after), CancellationToken.None);
            return (page.Data.Select(c => c.Id).ToList(), page.NextCursor);
        });

        Assert.Equal(created.AsEnumerable().Reverse(), listed);
    }

    [Fact]
    public async Task ListInvoicesAndTheReport_WhenIdsSortOppositeToCreation_PageNewestFirst()
    {
        var created = await SeedAsync(i => Invoice.IssueSubscription($"SUB-2026-{i + 1:000000}", Parties.Employer, "Agency", Money.FromCents(4_900), InvoicePaymentStatus.Paid, $"in_{i}", At(i)), i => i.Id.Value, "Invoices");

        var listed = await PageThroughAsync(async (db, after) =>
        {
            var page = await new ListInvoicesHandler(new ReadStore(db), _employer).Handle(new ListInvoicesQuery(null, null, null, 2, after), CancellationToken.None);
            return (page.Data.Select(i => i.Id).ToList(), page.NextCursor);
        });
        var reported = await PageThroughAsync(async (db, after) =>
        {
            var page = await new InvoiceReportHandler(new ReadStore(db), _employer).Handle(new InvoiceReportQuery(new InvoiceReportFilter(null, null, null, null, null), 2, after), CancellationToken.None);
            return (page.Data.Select(i => i.Id).ToList(), page.NextCursor);
        });

        Assert.Equal(created.AsEnumerable().Reverse(), listed);
        Assert.Equal(created.AsEnumerable().Reverse(), reported);
    }

    [Fact]
    public async Task NotificationFeed_WhenIdsSortOppositeToCreation_ShowsTheNewestUnreadFirst()
    {
        var created = await SeedAsync(i => Notification.Create(Parties.Employer, NotificationKind.MilestoneSubmitted, $"Ready {i}", "Review it", null, Guid.NewGuid(), At(i)), n => n.Id.Value, "Notifications");

        await using var db = _database.NewContext();
        var feed = await new ListNotificationsHandler(new ReadStore(db), _employer).Handle(new ListNotificationsQuery(UnreadOnly: true, Limit: 3), CancellationToken.None);

        Assert.Equal(created.AsEnumerable().Reverse().Take(3), feed.Data.Select(n => n.Id));
        Assert.Equal(Rows, feed.UnreadCount);
    }

    private static DateTimeOffset At(int i) => Moments.Now.AddMinutes(i);

    /// <summary>
    /// Saves <see cref="Rows"/> aggregates made at increasing instants, then gives them ids in the opposite
    /// order: the k-th made gets an id whose first byte (SQLite's text order) and eleventh byte (the first
    /// SQL Server compares) both fall as k rises. Returns the new ids in creation order.
    /// </summary>
    private async Task<List<Guid>> SeedAsync<T>(Func<int, T> make, Func<T, Guid> idOf, string table)
        where T : class
    {
        var rows = Enumerable.Range(0, Rows).Select(make).ToList();
        await using var db = _database.NewContext();
        db.AddRange(rows);
        await db.SaveChangesAsync();

        var ids = new List<Guid>();
        for (var k = 0; k < Rows; k++)
        {
            var old = idOf(rows[k]);
            var bytes = Guid.NewGuid().ToByteArray();
            bytes[3] = (byte)(0xF0 - (k * 0x10)); // the first byte of the text form
            bytes[10] = (byte)(0xF0 - (k * 0x10));
            var id = new Guid(bytes);
            // The owned rows (invoice lines) follow their owner's new id.
            var update = $"PRAGMA defer_foreign_keys = ON; UPDATE \"{table}\" SET \"Id\" = {{0}} WHERE \"Id\" = {{1}};"
                + (table == "Invoices" ? " UPDATE \"InvoiceLines\" SET \"InvoiceId\" = {0} WHERE \"InvoiceId\" = {1};" : string.Empty);
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync(update, id.ToString("D").ToUpperInvariant(), old.ToString("D").ToUpperInvariant());
            await transaction.CommitAsync();
            ids.Add(id);
        }

        Assert.Equal(ids.AsEnumerable().Reverse(), ids.OrderBy(id => id.ToString("D").ToUpperInvariant(), StringComparer.Ordinal));
        Assert.Equal(ids.AsEnumerable().Reverse(), ids.OrderBy(id => new SqlGuid(id)));
        return ids;
    }

    /// <summary>Follows the cursors to the last page; fails if a row comes twice.</summary>
    private async Task<List<Guid>> PageThroughAsync(Func<AppDbContext, Guid?, Task<(List<Guid> Ids, string? Next)>> page)
    {
        var all = new List<Guid>();
        Guid? after = null;
        for (var pages = 0; pages < Rows + 1; pages++)
        {
            await using var db = _database.NewContext();
            var (ids, next) = await page(db, after);
            all.AddRange(ids);
            if (next is null)
            {
                break;
            }

            after = Guid.Parse(next);
        }

        Assert.Equal(all.Count, all.Distinct().Count());
        return all;
    }
}
