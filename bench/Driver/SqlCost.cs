using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// Where a read route's database time goes, single-threaded, on the API's own database file:
/// the per-connection PRAGMAs the API runs every time EF opens a connection, the route's SQL (as EF
/// Core generates it, from the same LINQ shape as the handler) run with a fresh command each time
/// (what EF does: Microsoft.Data.Sqlite compiles the SQL text again) and with one prepared command
/// reused, and the same query through EF Core itself.
/// </summary>
internal static class SqlCost
{
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

    public static async Task<int> RunAsync(Args args)
    {
        var file = args.Get("db");
        var employer = new UserId(Guid.Parse(args.Get("employer")));
        var milestone = new MilestoneId(Guid.Parse(args.Get("milestone")));
        var contract = new ContractId(Guid.Parse(args.Get("contract")));
        var runs = args.Int("runs", 2000);
        var connectionString = $"Data Source={file}";
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connectionString).Options;

        await using (var context = new SqliteAppDbContext(options))
        {
            var single = context.Set<Milestone>().AsNoTracking().Where(m => m.EmployerId == employer).Where(m => m.Id == milestone).Take(1);
            var page = context.Set<Milestone>().AsNoTracking().Where(m => m.ContractId == contract).OrderBy(m => m.Sequence).Take(21);
            Measure("sql.milestone", connectionString, single.ToQueryString(), runs);
            Measure("sql.contract_milestones", connectionString, page.ToQueryString(), runs);
        }

        Figures.Print("sql.connection_open_with_pragmas", PerCall(runs, () =>
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }), "us");
        Figures.Print("sql.connection_open_without_pragmas", PerCall(runs, () =>
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
        }), "us");

        // Through EF Core, as the handlers run them (a context per query, like a request).
        Figures.Print("sql.milestone.ef_query", await PerCallAsync(runs, async () =>
        {
            await using var context = new SqliteAppDbContext(options);
            _ = await context.Set<Milestone>().AsNoTracking().Where(m => m.EmployerId == employer).Where(m => m.Id == milestone).FirstOrDefaultAsync();
        }), "us");
        Figures.Print("sql.contract_milestones.ef_query", await PerCallAsync(runs / 4, async () =>
        {
            await using var context = new SqliteAppDbContext(options);
            _ = await context.Set<Milestone>().AsNoTracking().Where(m => m.ContractId == contract).OrderBy(m => m.Sequence).Take(21).ToListAsync();
        }), "us");
        SqliteConnection.ClearAllPools();
        return 0;
    }

    /// <summary>EF's SQL (ToQueryString: ".param set" lines, then the statement) with a fresh command per run, then prepared once.</summary>
    private static void Measure(string name, string connectionString, string queryString, int runs)
    {
        var lines = queryString.Split('\n');
        var parameters = lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal))
            .Select(l => l[".param set ".Length..].Split(' ', 2))
            .Select(p => (Name: p[0], Value: (object)(p[1].Trim() is var v && v.StartsWith('\'') ? v.Trim('\'') : long.Parse(v, System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
        var sql = string.Join('\n', lines.Where(l => !l.StartsWith(".param set ", StringComparison.Ordinal)));

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var rows = 0;
        var fresh = PerCall(runs, () =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (parameter, value) in parameters)
            {
                command.Parameters.AddWithValue(parameter, value);
            }

            rows = ReadAll(command);
        });

        using var prepared = connection.CreateCommand();
        prepared.CommandText = sql;
        foreach (var (parameter, value) in parameters)
        {
            prepared.Parameters.AddWithValue(parameter, value);
        }

        prepared.Prepare();
        var reused = PerCall(runs, () => ReadAll(prepared));
        Figures.Print($"{name}.sql_rows", rows, "rows", 0);
        Figures.Print($"{name}.sql_columns", Columns(connection, sql, parameters), "columns", 0);
        Figures.Print($"{name}.sql_fresh_command", fresh, "us");
        Figures.Print($"{name}.sql_prepared_command", reused, "us");
        Figures.Print($"{name}.sql_prepare_share", 100 * (fresh - reused) / fresh, "%");
    }

    private static int Columns(SqliteConnection connection, string sql, List<(string Name, object Value)> parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameter, value) in parameters)
        {
            command.Parameters.AddWithValue(parameter, value);
        }

        using var reader = command.ExecuteReader();
        return reader.FieldCount;
    }

    private static int ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                _ = reader.GetValue(i);
            }

            rows++;
        }

        return rows;
    }

    private static double PerCall(int runs, Action call)
    {
        for (var i = 0; i < Math.Min(runs, 200); i++)
        {
            call();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            call();
        }

        return clock.Elapsed.TotalMicroseconds / runs;
    }

    private static async Task<double> PerCallAsync(int runs, Func<Task> call)
    {
        for (var i = 0; i < Math.Min(runs, 200); i++)
        {
            await call();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            await call();
        }

        return clock.Elapsed.TotalMicroseconds / runs;
    }
}
