using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Safety;

/// <summary>
/// Issue 6 §1 at the store: claims race on the primary key (caller, key) of a real SQLite file, never
/// check-then-insert; a crashed first request stops blocking after its running lease; records expire.
/// </summary>
public sealed class SafetyIdempotencyStoreTests : IDisposable
{
    private static readonly UserId _caller = new(new Guid("00000000-0000-0000-0000-0000000ca001"));
    private static readonly UserId _otherCaller = new(new Guid("00000000-0000-0000-0000-0000000ca002"));
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly FakeTimeProvider _clock = new(Moments.Now);
    private readonly ServiceProvider _services;
    private readonly IdempotencyStore _store;

    public SafetyIdempotencyStoreTests()
    {
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext, SqliteAppDbContext>(options => options
            .UseSqlite(_database.ConnectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(_clock)));
        _services = services.BuildServiceProvider();
        _store = new IdempotencyStore(_services.GetRequiredService<IServiceScopeFactory>(), _clock);
    }

    public void Dispose()
    {
        _services.Dispose();
        _database.Dispose();
    }

    // Guards: the insert-first claim on the primary key: of twenty racing claims exactly one runs the request.
    [Fact]
    public async Task ClaimAsync_WhenTwentyClaimsRaceOnOneKey_ExactlyOneIsClaimedAndTheOthersSeeItInProgress()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _store.ClaimAsync(_caller, "race", "hash-1", CancellationToken.None))));

        Assert.Single(claims, c => c.Outcome == IdempotencyClaimOutcome.Claimed);
        Assert.All(claims.Where(c => c.Outcome != IdempotencyClaimOutcome.Claimed), c => Assert.Equal(IdempotencyClaimOutcome.InProgress, c.Outcome));
        Assert.Equal(1, await CountAsync());
    }

    // Guards: the kept response, the request hash and the per-caller key.
    [Fact]
    public async Task ClaimAsync_AfterTheFirstResponseIsKept_ReplaysItRefusesAnotherRequestAndLeavesOtherCallersAlone()
    {
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await _store.ClaimAsync(_caller, "k", "hash-1", CancellationToken.None)).Outcome);
        await _store.CompleteAsync(_caller, "k", new StoredResponse(201, "application/json", "{\"id\":1}"u8.ToArray(), "/api/v1/jobs/1"), CancellationToken.None);

        var replay = await _store.ClaimAsync(_caller, "k", "hash-1", CancellationToken.None);
        var mismatch = await _store.ClaimAsync(_caller, "k", "hash-2", CancellationToken.None);
        var other = await _store.ClaimAsync(_otherCaller, "k", "hash-2", CancellationToken.None);

        Assert.Equal(IdempotencyClaimOutcome.Replay, replay.Outcome);
        Assert.Equal((201, "application/json", "/api/v1/jobs/1"), (replay.Response!.StatusCode, replay.Response.ContentType, replay.Response.Location));
        Assert.Equal("{\"id\":1}"u8.ToArray(), replay.Response.Body);
        Assert.Equal(IdempotencyClaimOutcome.Mismatch, mismatch.Outcome);
        Assert.Equal(IdempotencyClaimOutcome.Claimed, other.Outcome);
    }

    // Guards: the running lease (a crashed first request stops blocking after 2 minutes) and the conditional takeover: one racer wins it.
    [Fact]
    public async Task ClaimAsync_WhenTheFirstRequestDiedAndItsLeaseRanOut_ExactlyOneOfTheRacingRetriesTakesItOver()
    {
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await _store.ClaimAsync(_caller, "crashed", "hash-1", CancellationToken.None)).Outcome);
        Assert.Equal(IdempotencyClaimOutcome.InProgress, (await _store.ClaimAsync(_caller, "crashed", "hash-1", CancellationToken.None)).Outcome);
        _clock.Advance(IdempotencyStore.RunningLease + TimeSpan.FromSeconds(1));

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => _store.ClaimAsync(_caller, "crashed", "hash-1", CancellationToken.None))));

        Assert.Single(claims, c => c.Outcome == IdempotencyClaimOutcome.Claimed);
        Assert.All(claims.Where(c => c.Outcome != IdempotencyClaimOutcome.Claimed), c => Assert.Equal(IdempotencyClaimOutcome.InProgress, c.Outcome));
    }

    // Guards: ReleaseAsync after a failure on our side (5xx, 409, 429): the key can be retried, a completed one is never released.
    [Fact]
    public async Task ReleaseAsync_ForgetsARunningClaimButNeverACompletedOne()
    {
        await _store.ClaimAsync(_caller, "failed", "hash-1", CancellationToken.None);
        await _store.ClaimAsync(_caller, "done", "hash-1", CancellationToken.None);
        await _store.CompleteAsync(_caller, "done", new StoredResponse(200, "application/json", [], null), CancellationToken.None);

        await _store.ReleaseAsync(_caller, "failed", CancellationToken.None);
        await _store.ReleaseAsync(_caller, "done", CancellationToken.None);

        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await _store.ClaimAsync(_caller, "failed", "hash-2", CancellationToken.None)).Outcome);
        Assert.Equal(IdempotencyClaimOutcome.Replay, (await _store.ClaimAsync(_caller, "done", "hash-1", CancellationToken.None)).Outcome);
    }

    // Guards: the 24-hour retention: an expired response is no longer replayed, and the purge deletes only expired records.
    [Fact]
    public async Task PurgeExpiredAsync_After24Hours_DeletesExpiredRecordsOnlyAndTheKeyRunsAgain()
    {
        await _store.ClaimAsync(_caller, "old", "hash-1", CancellationToken.None);
        await _store.CompleteAsync(_caller, "old", new StoredResponse(201, "application/json", [], null), CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(23));
        await _store.ClaimAsync(_caller, "young", "hash-1", CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Assert.Equal(1, await _store.PurgeExpiredAsync(CancellationToken.None));

        Assert.Equal(1, await CountAsync());
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await _store.ClaimAsync(_caller, "old", "hash-2", CancellationToken.None)).Outcome);
    }

    // Guards: the short running lease and its renewal: a running request keeps its key past the first lease, a dead one frees it within seconds.
    [Fact]
    public async Task RenewAsync_WhileTheFirstRequestRuns_KeepsTheKeyAndWithoutRenewalItIsFreeWithinSeconds()
    {
        Assert.True(IdempotencyStore.RunningLease <= TimeSpan.FromSeconds(15), "a request that died with its process blocks its key for seconds, not minutes");
        await _store.ClaimAsync(_caller, "running", "hash-1", CancellationToken.None);
        await _store.ClaimAsync(_caller, "dead", "hash-1", CancellationToken.None);
        for (var step = 0; step < 4; step++)
        {
            _clock.Advance(IdempotencyLease.RenewEvery);
            Assert.True(await _store.RenewAsync(_caller, "running", CancellationToken.None));
        }

        Assert.Equal(IdempotencyClaimOutcome.InProgress, (await _store.ClaimAsync(_caller, "running", "hash-1", CancellationToken.None)).Outcome);
        Assert.Equal(IdempotencyClaimOutcome.Claimed, (await _store.ClaimAsync(_caller, "dead", "hash-1", CancellationToken.None)).Outcome);
        await _store.CompleteAsync(_caller, "running", new StoredResponse(200, "application/json", [], null), CancellationToken.None);
        Assert.False(await _store.RenewAsync(_caller, "running", CancellationToken.None));
    }

    // Guards: the clean-up deletes in bounded statements (no single statement over the whole table), and deletes every expired record.
    [Fact]
    public async Task PurgeExpiredAsync_WithMoreExpiredRecordsThanOneBatch_DeletesThemAllInBoundedStatements()
    {
        var expiredAt = _clock.GetUtcNow().AddMinutes(-1);
        await using (var db = _database.NewContext())
        {
            db.AddRange(Enumerable.Range(0, (2 * IdempotencyStore.PurgeBatchSize) + 7).Select(i => new IdempotencyRecord
            {
                CallerId = _caller.Value, Key = $"old-{i}", RequestHash = "h", Completed = true, CreatedAt = expiredAt, ExpiresAt = expiredAt, LockedUntil = expiredAt,
            }));
            await db.SaveChangesAsync();
        }

        await _store.ClaimAsync(_caller, "young", "hash-1", CancellationToken.None);
        var statements = new StatementLog();
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext, SqliteAppDbContext>(options => options.UseSqlite(_database.ConnectionString).AddInterceptors(statements));
        await using var provider = services.BuildServiceProvider();
        var store = new IdempotencyStore(provider.GetRequiredService<IServiceScopeFactory>(), _clock);

        Assert.Equal((2 * IdempotencyStore.PurgeBatchSize) + 7, await store.PurgeExpiredAsync(CancellationToken.None));

        Assert.Equal(1, await CountAsync());
        var deletes = statements.Texts.Where(t => t.Contains("DELETE", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(3, deletes.Count);
        Assert.All(deletes, d => Assert.Contains("LIMIT", d, StringComparison.OrdinalIgnoreCase));

        // Each round finds its rows through the ExpiresAt index: no statement walks the whole table under the write lock.
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        foreach (var delete in deletes)
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + delete;
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(delete, @"[@$][A-Za-z_][A-Za-z0-9_]*").Select(m => m.Value).Distinct())
            {
                explain.Parameters.AddWithValue(name, 0);
            }

            var plan = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }

            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
        }
    }

    private async Task<int> CountAsync()
    {
        await using var db = _database.NewContext();
        return await db.Set<IdempotencyRecord>().CountAsync();
    }

    /// <summary>The text of every command the store sends.</summary>
    private sealed class StatementLog : CommandObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Texts { get; } = new();

        protected override void Observe(System.Data.Common.DbCommand command) => Texts.Enqueue(command.CommandText);
    }
}
