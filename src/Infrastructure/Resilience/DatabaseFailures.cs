using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenTrain.Clean.Infrastructure.Resilience;

public enum DatabaseFailure
{
    /// <summary>Not a database failure we know how to answer.</summary>
    None,

    /// <summary>Lost to another writer (deadlock victim, lock timeout, SQLite busy): retry the request.</summary>
    Contention,

    /// <summary>The database cannot be reached or is out of resources for a while.</summary>
    Unavailable,
}

/// <summary>
/// Which database errors mean "try again": they become 409 <c>concurrency_conflict</c> or 503 with
/// Retry-After, never a 500, and the unit of work retries a save where nothing else ran in its transaction.
/// </summary>
public static class DatabaseFailures
{
    public const string UnavailableMessage = "The database is unavailable for a moment; try again shortly.";

    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    // 1205 deadlock victim; 1222 lock request time-out.
    private static readonly HashSet<int> SqlServerContention = [1205, 1222];

    // Connection and resource errors that go away by themselves: the ones EF Core's SQL Server retrying
    // strategy retries (timeouts, failover, throttling, broken connections).
    private static readonly HashSet<int> SqlServerUnavailable =
    [
        -2, 2, 26, 40, 53, 64, 233, 1204, 4060, 4221, 10053, 10054, 10060, 10061, 10928, 10929, 10936, 11001,
        40143, 40197, 40501, 40540, 40613, 41301, 41302, 41305, 41325, 41839, 42108, 42109, 49918, 49919, 49920,
    ];

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// SQL Server's deadlock victim or lock timeout: the transaction was rolled back at once, so doing the
    /// same again is worth it. (SQLite's busy has already waited its busy_timeout: retrying only waits longer.)
    /// </summary>
    public static bool IsWorthRetrying(Exception exception) =>
        Classify(exception) == DatabaseFailure.Contention && Chain(exception).Any(e => e is SqlException);

    public static DatabaseFailure Classify(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqlException sql when sql.Errors.Cast<SqlError>().Any(e => SqlServerContention.Contains(e.Number)):
                    return DatabaseFailure.Contention;
                case SqlException sql when sql.Errors.Cast<SqlError>().Any(e => SqlServerUnavailable.Contains(e.Number)) || sql.Class >= 20 || sql.Number == 0:
                    // Class 20+ and number 0: the connection itself failed (no server, broken transport).
                    return DatabaseFailure.Unavailable;
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked:
                    return DatabaseFailure.Contention;
                case DbUpdateConcurrencyException:
                    return DatabaseFailure.None;
                case DbException { IsTransient: true }:
                    return DatabaseFailure.Unavailable;
            }
        }

        return DatabaseFailure.None;
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
