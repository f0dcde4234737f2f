using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>Straight SQLite access to the API's database file, for bulk seeding and counting.</summary>
internal static class Sql
{
    public static SqliteConnection Open(string file)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException("No database here; start the API or a worker once so it migrates.", file);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 60 }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 60000;");
        return connection;
    }

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql, []);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return values;
    }

    /// <summary>The table's columns in order, from <c>PRAGMA table_info</c>.</summary>
    public static List<string> Columns(SqliteConnection connection, string table) =>
        Strings(connection, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid");

    /// <summary>
    /// "INSERT INTO t (every column) SELECT ..." where each column is copied from the template row
    /// aliased <paramref name="alias"/> unless <paramref name="overrides"/> gives an expression.
    /// </summary>
    public static string CopyColumns(SqliteConnection connection, string table, string alias, IReadOnlyDictionary<string, string> overrides, ISet<string>? skip = null)
    {
        var columns = Columns(connection, table).Where(c => skip is null || !skip.Contains(c)).ToList();
        var unknown = overrides.Keys.Except(columns).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"{table} has no column(s) {string.Join(", ", unknown)}; the schema changed.");
        }

        var names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", columns.Select(c => overrides.TryGetValue(c, out var expression) ? expression : $"{alias}.\"{c}\""));
        return $"INSERT INTO \"{table}\" ({names}) SELECT {values}";
    }

    /// <summary>A GUID-shaped id, upper case like EF Core's SQLite text GUIDs, unique per prefix and number.</summary>
    public static string GuidExpression(string prefix8, string numberExpression) =>
        $"printf('{prefix8}-0000-4000-8000-%012X', {numberExpression})";

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
