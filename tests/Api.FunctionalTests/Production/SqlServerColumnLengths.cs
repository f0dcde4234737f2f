using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.TestSupport.SqlServer;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>A string column of the SQL Server model: its length limit, and whether it holds Unicode (nvarchar) or not (varchar).</summary>
public sealed record SqlServerColumn(string Table, string Column, IProperty Property, int? MaxLength, bool Unicode);

/// <summary>
/// SQL Server's column lengths, enforced on SQLite (which stores any length): every INSERT and UPDATE
/// the app sends is read back (table, columns, parameters), and a value longer than its SQL Server
/// column fails the statement with SQL Server's own error 2628, as a SQL Server would. Non-ASCII text
/// bound for a varchar column fails too (SQL Server would silently turn it into '?'). It also keeps the
/// longest value written to each column, for the coverage check.
/// </summary>
public sealed partial class SqlServerColumnLengths : CommandObserver
{
    private const int StringTruncated = 2628;

    public SqlServerColumnLengths()
    {
        using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>().UseSqlServer("Server=127.0.0.1,1;Database=x").Options);
        Columns = StringColumns(db.Model).ToDictionary(c => (c.Table, c.Column));
    }

    /// <summary>Every string column of the SQL Server model, from the model itself.</summary>
    public IReadOnlyDictionary<(string Table, string Column), SqlServerColumn> Columns { get; }

    /// <summary>The longest value written to each column so far.</summary>
    public ConcurrentDictionary<(string Table, string Column), int> Longest { get; } = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public static IEnumerable<SqlServerColumn> StringColumns(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var entity in model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table)
            {
                continue;
            }

            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var properties = entity.GetProperties().Concat(entity.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties()));
            foreach (var property in properties.Where(p => p.GetProviderClrType() == typeof(string) || (p.GetProviderClrType() is null && p.ClrType == typeof(string))))
            {
                if (property.GetColumnName(store) is { } column)
                {
                    yield return new SqlServerColumn(table, column, property, property.GetMaxLength(), property.IsUnicode() ?? true);
                }
            }
        }
    }

    protected override void Observe(DbCommand command)
    {
        var parameters = command.Parameters.Cast<DbParameter>().ToDictionary(p => p.ParameterName.TrimStart('@', '$', ':'), p => p.Value, StringComparer.Ordinal);
        foreach (var (table, column, parameter) in Assignments(command.CommandText))
        {
            if (!parameters.TryGetValue(parameter, out var value) || value is not string text || !Columns.TryGetValue((table, column), out var target))
            {
                continue;
            }

            Longest.AddOrUpdate((table, column), text.Length, (_, longest) => Math.Max(longest, text.Length));
            if (target.MaxLength is { } max && text.Length > max)
            {
                Fail($"String or binary data would be truncated in table '{table}', column '{column}': {text.Length} characters for {max}.");
            }

            if (!target.Unicode && text.Any(c => c > 127))
            {
                Fail($"Non-ASCII text for the varchar column '{table}'.'{column}' would be stored with '?' in place of characters.");
            }
        }
    }

    private void Fail(string message)
    {
        Violations.Enqueue(message);
        throw SqlServerErrors.Create(StringTruncated, message);
    }

    /// <summary>(table, column, parameter) for each value an INSERT or UPDATE assigns from a parameter.</summary>
    private static IEnumerable<(string Table, string Column, string Parameter)> Assignments(string sql)
    {
        foreach (Match insert in Insert().Matches(sql))
        {
            var columns = Names(insert.Groups["columns"].Value);
            var values = insert.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToList();
            for (var i = 0; i < Math.Min(columns.Count, values.Count); i++)
            {
                if (Parameter().Match(values[i]) is { Success: true } parameter)
                {
                    yield return (insert.Groups["table"].Value, columns[i], parameter.Groups["name"].Value);
                }
            }
        }

        foreach (Match update in Update().Matches(sql))
        {
            foreach (Match assignment in Assignment().Matches(update.Groups["set"].Value))
            {
                yield return (update.Groups["table"].Value, assignment.Groups["column"].Value, assignment.Groups["parameter"].Value);
            }
        }
    }

    private static List<string> Names(string list) => QuotedName().Matches(list).Select(m => m.Groups["name"].Value).ToList();

    [GeneratedRegex("""INSERT INTO "(?<table>\w+)" \((?<columns>[^)]*)\)\s*VALUES \((?<values>[^)]*)\)""")]
    private static partial Regex Insert();

    [GeneratedRegex("""UPDATE "(?<table>\w+)"(?: AS "\w+")?\s+SET (?<set>.*?)(?=\s+WHERE|\s+RETURNING|;|$)""", RegexOptions.Singleline)]
    private static partial Regex Update();

    [GeneratedRegex("""(?:"\w+"\.)?"(?<column>\w+)" = [@$:](?<parameter>\w+)""")]
    private static partial Regex Assignment();

    [GeneratedRegex("""^[@$:](?<name>\w+)$""")]
    private static partial Regex Parameter();

    [GeneratedRegex("\"(?<name>\\w+)\"")]
    private static partial Regex QuotedName();
}
