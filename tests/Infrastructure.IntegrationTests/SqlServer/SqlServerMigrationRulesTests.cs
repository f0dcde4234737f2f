using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>
/// A rule SQL Server enforces when it runs the script, checked by replaying the parsed script:
/// ALTER TABLE … ALTER COLUMN fails while a primary key, an index or a foreign key depends on the column
/// (EF Core rebuilds the indexes it knows of, but not the primary key).
/// </summary>
public sealed class SqlServerMigrationRulesTests
{
    [Fact]
    public void MigrationScript_ForSqlServer_NeverAltersAColumnAKeyOrIndexStillDependsOn()
    {
        var sql = SqlServerScript.MigrationScript();
        var script = SqlServerScript.Parse(sql, out var errors);
        Assert.Empty(errors);

        var violations = Replay(script);

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    /// <summary>The replay finds the mistake it is there for: altering a primary key column without dropping the key.</summary>
    [Fact]
    public void Replay_WhenAPrimaryKeyColumnIsAlteredInPlace_ReportsIt()
    {
        var script = SqlServerScript.Parse(
            """
            CREATE TABLE [Events] ([EventId] varchar(255) NOT NULL, [Name] nvarchar(50) NULL, CONSTRAINT [PK_Events] PRIMARY KEY ([EventId]));
            GO
            CREATE INDEX [IX_Events_Name] ON [Events] ([Name]);
            GO
            ALTER TABLE [Events] ALTER COLUMN [EventId] varchar(255) COLLATE Latin1_General_100_BIN2 NOT NULL;
            GO
            ALTER TABLE [Events] DROP CONSTRAINT [PK_Events];
            DROP INDEX [IX_Events_Name] ON [Events];
            ALTER TABLE [Events] ALTER COLUMN [EventId] varchar(255) COLLATE Latin1_General_100_BIN2 NOT NULL;
            ALTER TABLE [Events] ALTER COLUMN [Name] nvarchar(100) NULL;
            """,
            out var errors);
        Assert.Empty(errors);

        var violation = Assert.Single(Replay(script));

        Assert.Contains("Events.EventId", violation, StringComparison.Ordinal);
        Assert.Contains("PK_Events", violation, StringComparison.Ordinal);
    }

    private static List<string> Replay(TSqlScript script)
    {
        // Live keys and indexes: name -> (table, columns).
        var dependents = new Dictionary<string, (string Table, string[] Columns)>(StringComparer.OrdinalIgnoreCase);
        var violations = new List<string>();
        foreach (var statement in script.Batches.SelectMany(b => b.Statements).SelectMany(Flatten))
        {
            switch (statement)
            {
                case CreateTableStatement create:
                    var table = create.SchemaObjectName.BaseIdentifier.Value;
                    foreach (var constraint in create.Definition.TableConstraints)
                    {
                        Add(dependents, table, constraint);
                    }

                    break;
                case AlterTableAddTableElementStatement add:
                    foreach (var constraint in add.Definition.TableConstraints)
                    {
                        Add(dependents, add.SchemaObjectName.BaseIdentifier.Value, constraint);
                    }

                    break;
                case AlterTableDropTableElementStatement drop:
                    foreach (var element in drop.AlterTableDropTableElements)
                    {
                        dependents.Remove(element.Name.Value);
                    }

                    break;
                case CreateIndexStatement index:
                    dependents[index.Name.Value] = (index.OnName.BaseIdentifier.Value, index.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value).ToArray());
                    break;
                case DropIndexStatement dropIndex:
                    foreach (var clause in dropIndex.DropIndexClauses.OfType<DropIndexClause>())
                    {
                        dependents.Remove(clause.Index.Value);
                    }

                    break;
                case AlterTableAlterColumnStatement alter:
                    var altered = alter.SchemaObjectName.BaseIdentifier.Value;
                    var column = alter.ColumnIdentifier.Value;
                    violations.AddRange(dependents
                        .Where(d => string.Equals(d.Value.Table, altered, StringComparison.OrdinalIgnoreCase) && d.Value.Columns.Contains(column, StringComparer.OrdinalIgnoreCase))
                        .Select(d => $"{altered}.{column} is altered while {d.Key} depends on it"));
                    break;
            }
        }

        return violations;
    }

    private static void Add(Dictionary<string, (string Table, string[] Columns)> dependents, string table, ConstraintDefinition constraint)
    {
        var columns = constraint switch
        {
            UniqueConstraintDefinition unique => unique.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value).ToArray(),
            ForeignKeyConstraintDefinition foreignKey => foreignKey.Columns.Select(c => c.Value).ToArray(),
            _ => [],
        };
        if (constraint.ConstraintIdentifier is { } name && columns.Length > 0)
        {
            dependents[name.Value] = (table, columns);
        }
    }

    /// <summary>The statements inside IF … BEGIN … END blocks count as well.</summary>
    private static IEnumerable<TSqlStatement> Flatten(TSqlStatement statement) => statement switch
    {
        IfStatement conditional => Flatten(conditional.ThenStatement).Concat(conditional.ElseStatement is null ? [] : Flatten(conditional.ElseStatement)),
        BeginEndBlockStatement block => block.StatementList.Statements.SelectMany(Flatten),
        _ => [statement],
    };
}
