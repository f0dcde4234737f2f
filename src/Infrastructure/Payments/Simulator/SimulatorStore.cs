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
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _connectionString;

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
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Creates the object unless the key already made one; either way returns the stored object.</summary>
    public T GetOrCreate<T>(string kind, string idempotencyKey, Func<T> create, Func<T, string> idOf)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(idOf);
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

    public T? Get<T>(string id)
        where T : class
    {
        using var connection = Open();
        var json = Scalar(connection, null, "SELECT json FROM objects WHERE id = $id", ("$id", id));
        return json is null ? null : JsonSerializer.Deserialize<T>(json, Json);
    }

    public void Put<T>(string kind, string id, T value)
    {
        using var connection = Open();
        Execute(connection, null, """
            INSERT INTO objects (id, kind, json) VALUES ($id, $kind, $json)
            ON CONFLICT (id) DO UPDATE SET json = excluded.json
            """, ("$id", id), ("$kind", kind), ("$json", JsonSerializer.Serialize(value, Json)));
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
