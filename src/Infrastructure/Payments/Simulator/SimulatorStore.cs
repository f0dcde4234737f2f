using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace OpenTrain.Clean.Infrastructure.Payments.Simulator;

/// <summary>
/// The simulator's own ledger, in its own SQLite file and connection: like Stripe, what it did
/// survives our crashes and our rolled-back transactions. Objects are JSON documents; an
/// idempotency key maps to the one object it created.
/// </summary>
public sealed class SimulatorStore
{
    /// <summary>The events from a moment on, by the time index (<c>created_at</c> holds UTC ticks).</summary>
    internal const string EventsSinceSql = "SELECT id, created_at, type, kind, payload, delivered FROM events WHERE created_at >= $since ORDER BY created_at, rowid";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _connectionString;

    /// <summary>
    /// This process's writers take turns here instead of in SQLite's busy handler, which sleeps (up to 100 ms a time)
    /// while another connection writes. Other processes sharing the file still meet the busy handler.
    /// </summary>
    private readonly object _writer = new();

    public SimulatorStore(string databaseFile)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databaseFile));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS objects (
                id TEXT NOT NULL PRIMARY KEY,
                kind TEXT NOT NULL,
                idempotency_key TEXT NULL UNIQUE,
                json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (
                id TEXT NOT NULL PRIMARY KEY,
                created_at INTEGER NOT NULL,
                type TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                delivered INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS events_by_time ON events (created_at);
            CREATE INDEX IF NOT EXISTS events_undelivered ON events (created_at) WHERE delivered = 0;
            """;
        command.ExecuteNonQuery();
        MoveEventsOutOfObjects(connection);
    }

    /// <summary>Records an event the simulated provider emitted, undelivered.</summary>
    public void AddEvent(SimEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        lock (_writer)
        {
            using var connection = Open();
            Execute(connection, null, "INSERT INTO events (id, created_at, type, kind, payload, delivered) VALUES ($id, $at, $type, $kind, $payload, $delivered)",
                ("$id", recorded.Id), ("$at", recorded.CreatedAt.UtcTicks), ("$type", recorded.Type), ("$kind", recorded.Kind), ("$payload", recorded.Payload), ("$delivered", recorded.Delivered));
        }
    }

    /// <summary>The events recorded at or after <paramref name="since"/>, oldest first (an index range, not a scan of every event).</summary>
    public IReadOnlyList<SimEvent> EventsSince(DateTimeOffset since) => ReadEvents(EventsSinceSql, ("$since", since.UtcTicks));

    /// <summary>
    /// Takes the events not yet handed to the webhook handling, oldest first, and marks them delivered in the same
    /// statement: two deliveries running at once never take the same event. One that could not be applied is given back
    /// with <see cref="ReturnEvent"/>.
    /// </summary>
    public IReadOnlyList<SimEvent> TakeUndeliveredEvents()
    {
        IReadOnlyList<SimEvent> taken;
        lock (_writer)
        {
            taken = ReadEvents("UPDATE events SET delivered = 1 WHERE delivered = 0 RETURNING id, created_at, type, kind, payload, delivered");
        }

        return [.. taken.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)];
    }

    /// <summary>An event taken for delivery that was not applied: the next delivery takes it again.</summary>
    public void ReturnEvent(string id)
    {
        lock (_writer)
        {
            using var connection = Open();
            Execute(connection, null, "UPDATE events SET delivered = 0 WHERE id = $id", ("$id", id));
        }
    }

    /// <summary>Creates the object unless the key already made one; either way returns the stored object.</summary>
    public T GetOrCreate<T>(string kind, string idempotencyKey, Func<T> create, Func<T, string> idOf)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(idOf);
        lock (_writer)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            var existing = Scalar(connection, transaction, "SELECT json FROM objects WHERE idempotency_key = $key", ("$key", idempotencyKey));
            if (existing is not null)
            {
                return JsonSerializer.Deserialize<T>(existing, Json)!;
            }

            var created = create();
            Execute(connection, transaction, "INSERT INTO objects (id, kind, idempotency_key, json) VALUES ($id, $kind, $key, $json)",
                ("$id", idOf(created)), ("$kind", kind), ("$key", idempotencyKey), ("$json", JsonSerializer.Serialize(created, Json)));
            transaction.Commit();
            return created;
        }
    }

    public T? Get<T>(string id)
        where T : class
    {
        using var connection = Open();
        var json = Scalar(connection, null, "SELECT json FROM objects WHERE id = $id", ("$id", id));
        return json is null ? null : JsonSerializer.Deserialize<T>(json, Json);
    }

    public void Put<T>(string kind, string id, T value)
    {
        lock (_writer)
        {
            using var connection = Open();
            Execute(connection, null, """
                INSERT INTO objects (id, kind, json) VALUES ($id, $kind, $json)
                ON CONFLICT (id) DO UPDATE SET json = excluded.json
                """, ("$id", id), ("$kind", kind), ("$json", JsonSerializer.Serialize(value, Json)));
        }
    }

    public IReadOnlyList<T> List<T>(string kind)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM objects WHERE kind = $kind ORDER BY rowid";
        command.Parameters.AddWithValue("$kind", kind);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read())
        {
            items.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)!);
        }

        return items;
    }

    private IReadOnlyList<SimEvent> ReadEvents(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var events = new List<SimEvent>();
        while (reader.Read())
        {
            events.Add(new SimEvent(
                reader.GetString(0), reader.GetString(2), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5)));
        }

        return events;
    }

    /// <summary>A ledger written before events had their own table kept them as documents: they move once.</summary>
    private static void MoveEventsOutOfObjects(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT json FROM objects WHERE kind = 'event'";
        var moved = new List<SimEvent>();
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                moved.Add(JsonSerializer.Deserialize<SimEvent>(reader.GetString(0), Json)!);
            }
        }

        if (moved.Count == 0)
        {
            return;
        }

        foreach (var recorded in moved)
        {
            Execute(connection, transaction, "INSERT OR IGNORE INTO events (id, created_at, type, kind, payload, delivered) VALUES ($id, $at, $type, $kind, $payload, $delivered)",
                ("$id", recorded.Id), ("$at", recorded.CreatedAt.UtcTicks), ("$type", recorded.Type), ("$kind", recorded.Kind), ("$payload", recorded.Payload), ("$delivered", recorded.Delivered));
        }

        Execute(connection, transaction, "DELETE FROM objects WHERE kind = 'event'");
        transaction.Commit();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static string? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteScalar() as string;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
