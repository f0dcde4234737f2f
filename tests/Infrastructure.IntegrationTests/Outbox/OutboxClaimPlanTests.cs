using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

/// <summary>
/// Issue 13 §5: a batch costs the same whatever the backlog. Every statement the dispatcher runs against the outbox
/// during a batch is planned by SQLite (EXPLAIN QUERY PLAN, with its own parameters) on a backlog of pending rows:
/// none may walk the pending rows by status alone (a <c>(Status=?)</c> search visits every pending row, so draining
/// a backlog of n messages cost O(n) per batch, O(n²) in all: 524 messages/s on a 70,000-row backlog).
/// </summary>
public sealed class OutboxClaimPlanTests : IDisposable
{
    private const int Backlog = 500;

    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly FakeTimeProvider _clock = new(Moments.Now.AddHours(1));
    private readonly StatementRecorder _statements = new();
    private readonly ServiceProvider _services;

    public OutboxClaimPlanTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddDbContext<AppDbContext, SqliteAppDbContext>(options => options
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(_clock), _statements));
        services.AddScoped<IUnitOfWork, UnitOfWork>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    // Guards: ClaimAsync — the SQLite claim leases and returns the batch in one statement that finds its rows by primary key.
    [Fact]
    public async Task A_batch_never_walks_every_pending_row()
    {
        await SeedAsync();
        var options = new OutboxOptions { BatchSize = 50, MessagesPerTransaction = 50, Lease = TimeSpan.FromMinutes(1), MaxAttempts = 3 };
        var dispatcher = new OutboxDispatcher(_services.GetRequiredService<IServiceScopeFactory>(), Options.Create(options), _clock, NullLogger<OutboxDispatcher>.Instance);

        var handled = await dispatcher.DispatchBatchAsync(CancellationToken.None);

        Assert.Equal(50, handled);
        var outboxStatements = _statements.Recorded.Where(s => s.Sql.Contains("\"OutboxMessages\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(outboxStatements);
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in outboxStatements)
        {
            var plan = await PlanAsync(connection, statement);
            var walks = plan.Where(step => step.Contains("IX_OutboxMessages_Status_NextAttemptAt (Status=?)", StringComparison.Ordinal)
                || step.StartsWith("SCAN ", StringComparison.Ordinal)).ToList();
            Assert.True(walks.Count == 0, $"{statement.Sql}\n{string.Join("\n", plan)}");
        }

        // The lease is taken and read back by one statement, not an UPDATE and then a SELECT of the rows it leased.
        Assert.Single(outboxStatements, s => s.Sql.Contains("\"LockedUntil\" = $until", StringComparison.Ordinal));
        Assert.DoesNotContain(outboxStatements, s => s.Sql.Contains("\"LockedUntil\" = @until", StringComparison.Ordinal));
    }

    private async Task SeedAsync()
    {
        await using var db = _database.NewContext(_clock);
        var due = _clock.GetUtcNow().AddMinutes(-5);
        for (var i = 0; i < Backlog; i++)
        {
            db.OutboxMessages.Add(new OutboxMessage
            {
                Id = Guid.CreateVersion7(),
                Type = nameof(MilestoneUpdated),
                Payload = JsonSerializer.Serialize(new MilestoneUpdated(new MilestoneId(Guid.CreateVersion7()), due), DomainEventsToOutboxInterceptor.PayloadOptions),
                OccurredAt = due,
                NextAttemptAt = due.AddTicks(i),
                Status = OutboxStatus.Pending,
            });
        }

        await db.SaveChangesAsync();
    }

    private static async Task<List<string>> PlanAsync(SqliteConnection connection, (string Sql, IReadOnlyList<(string Name, object? Value)> Parameters) statement)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement.Sql;
        foreach (var (name, value) in statement.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private sealed class StatementRecorder : DbCommandInterceptor
    {
        private readonly Lock _gate = new();
        private readonly List<(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)> _recorded = [];

        public IReadOnlyList<(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)> Recorded
        {
            get
            {
                lock (_gate)
                {
                    return [.. _recorded];
                }
            }
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command)
        {
            var parameters = command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
            lock (_gate)
            {
                _recorded.Add((command.CommandText, parameters));
            }
        }
    }
}
