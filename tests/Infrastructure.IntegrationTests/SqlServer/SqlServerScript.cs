using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>
/// T-SQL as SQL Server would read it, without a server: Microsoft's own parser (ScriptDom) for the
/// SQL Server version we support (2019, TSql150), over the migration script and our raw statements.
/// </summary>
internal static class SqlServerScript
{
    public static SqlServerAppDbContext Context() => new(new DbContextOptionsBuilder<SqlServerAppDbContext>()
        .UseSqlServer("Server=127.0.0.1,1;Database=OpenTrain;User Id=sa;Password=unused-Passw0rd;TrustServerCertificate=True")
        .Options);

    /// <summary>What <c>dotnet ef migrations script --context SqlServerAppDbContext</c> prints.</summary>
    public static string MigrationScript(MigrationsSqlGenerationOptions options = MigrationsSqlGenerationOptions.Default)
    {
        using var db = Context();
        return db.GetService<IMigrator>().GenerateScript(fromMigration: null, toMigration: null, options);
    }

    /// <summary>
    /// Every raw SQL Server statement of the Infrastructure assembly: by convention a <c>const string</c>
    /// whose name starts with <c>SqlServer</c>, wherever it is declared.
    /// </summary>
    public static IReadOnlyList<(string Name, string Sql)> RawStatements() =>
        typeof(AppDbContext).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name.StartsWith("SqlServer", StringComparison.Ordinal))
            .Select(f => ($"{f.DeclaringType!.Name}.{f.Name}", (string)f.GetRawConstantValue()!))
            .ToList();

    public static TSqlScript Parse(string sql, out IList<ParseError> errors)
    {
        var parser = new TSql150Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        return (TSqlScript)parser.Parse(reader, out errors);
    }

    /// <summary>Each error with the line it is on, so a failure says where the slip is.</summary>
    public static string Describe(string sql, IEnumerable<ParseError> errors)
    {
        var lines = sql.Split('\n');
        return string.Join('\n', errors.Take(10).Select(e => $"line {e.Line}, column {e.Column}: {e.Message}\n    {lines.ElementAtOrDefault(e.Line - 1)?.TrimEnd()}"));
    }

    /// <summary>Collects what a statement touches: tables with their hints, columns, the names it defines itself.</summary>
    public sealed class Inventory : TSqlFragmentVisitor
    {
        public Dictionary<string, List<TableHintKind>> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Columns { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>CTE names, column aliases and table aliases: names the statement defines for itself.</summary>
        public HashSet<string> OwnNames { get; } = new(StringComparer.OrdinalIgnoreCase) { "inserted", "deleted" };

        public int OutputClauses { get; private set; }

        public int Statements { get; set; }

        public override void Visit(NamedTableReference node)
        {
            ArgumentNullException.ThrowIfNull(node);
            var name = node.SchemaObject.BaseIdentifier.Value;
            if (!Tables.TryGetValue(name, out var hints))
            {
                Tables[name] = hints = [];
            }

            hints.AddRange(node.TableHints.Select(h => h.HintKind));
            if (node.Alias is not null)
            {
                OwnNames.Add(node.Alias.Value);
            }
        }

        public override void Visit(ColumnReferenceExpression node)
        {
            ArgumentNullException.ThrowIfNull(node);
            if (node.MultiPartIdentifier is { Identifiers.Count: > 0 } identifier)
            {
                Columns.Add(identifier.Identifiers[^1].Value);
            }
        }

        public override void Visit(CommonTableExpression node)
        {
            ArgumentNullException.ThrowIfNull(node);
            OwnNames.Add(node.ExpressionName.Value);
        }

        public override void Visit(SelectScalarExpression node)
        {
            ArgumentNullException.ThrowIfNull(node);
            if (node.ColumnName?.Value is { } alias)
            {
                OwnNames.Add(alias);
            }
        }

        public override void Visit(OutputClause node) => OutputClauses++;
    }
}
