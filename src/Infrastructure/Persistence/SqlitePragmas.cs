using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// Per-connection SQLite settings. <c>busy_timeout</c> makes SQLite itself wait for the write lock
/// with short native back-off, instead of failing at once into the provider's coarse retry loop;
/// <c>synchronous=NORMAL</c> is durable with WAL (a power cut may lose the last commits, never
/// corrupt the file) and much faster than FULL.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
