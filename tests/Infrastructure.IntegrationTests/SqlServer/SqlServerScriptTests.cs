using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>A syntax slip in SQL Server's SQL is caught here, without a server.</summary>
public sealed class SqlServerScriptTests
{
    [Theory]
    [InlineData(MigrationsSqlGenerationOptions.Default)]
    [InlineData(MigrationsSqlGenerationOptions.Idempotent)]
    public void MigrationScript_ForSqlServer_ParsesWithoutErrorsAndCreatesEveryTable(MigrationsSqlGenerationOptions options)
    {
        var sql = SqlServerScript.MigrationScript(options);

        var script = SqlServerScript.Parse(sql, out var errors);

        Assert.True(errors.Count == 0, SqlServerScript.Describe(sql, errors));
        using var db = SqlServerScript.Context();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (options == MigrationsSqlGenerationOptions.Default)
        {
            var created = script.Batches.SelectMany(b => b.Statements).OfType<CreateTableStatement>().Select(c => c.SchemaObjectName.BaseIdentifier.Value).ToHashSet(StringComparer.Ordinal);
            Assert.Superset(tables, created);
        }
        else
        {
            // The idempotent script wraps each migration's statements in IF NOT EXISTS … BEGIN … END.
            Assert.All(tables, table => Assert.Contains($"CREATE TABLE [{table}]", sql, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void RawStatements_ForSqlServer_ParseWithoutErrorsAndNameOnlyColumnsOfTheModel()
    {
        var statements = SqlServerScript.RawStatements();
        using var db = SqlServerScript.Context();
        var columnsByTable = db.Model.GetEntityTypes()
            .Where(t => t.GetTableName() is not null)
            .GroupBy(t => t.GetTableName()!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                g => g.Key,
                g => g.SelectMany(t => t.GetProperties().Select(p => p.GetColumnName()).Concat(t.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties().Select(p => p.GetColumnName())))).ToHashSet(StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase);

        Assert.Contains(statements, s => s.Name == "OutboxDispatcher.SqlServerClaim");
        Assert.Contains(statements, s => s.Name == "PayoutClaims.SqlServerClaim");
        Assert.Contains(statements, s => s.Name == "InvoiceNumberSequence.SqlServerMerge");
        Assert.Contains(statements, s => s.Name == "WebhookInbox.SqlServerClaim");
        Assert.Contains(statements, s => s.Name == "InvoiceDayTotals.SqlServerMerge");
        foreach (var (name, sql) in statements)
        {
            var script = SqlServerScript.Parse(sql, out var errors);
            Assert.True(errors.Count == 0, $"{name}:\n{SqlServerScript.Describe(sql, errors)}");

            var inventory = new SqlServerScript.Inventory();
            script.Accept(inventory);
            var unknownTables = inventory.Tables.Keys.Where(t => !columnsByTable.ContainsKey(t) && !inventory.OwnNames.Contains(t)).ToList();
            Assert.True(unknownTables.Count == 0, $"{name} names tables the model does not have: {string.Join(", ", unknownTables)}");
            var known = inventory.Tables.Keys.Where(columnsByTable.ContainsKey).SelectMany(t => columnsByTable[t]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unknownColumns = inventory.Columns.Where(c => !known.Contains(c) && !inventory.OwnNames.Contains(c)).ToList();
            Assert.True(unknownColumns.Count == 0, $"{name} names columns its tables do not have: {string.Join(", ", unknownColumns)}");
        }
    }

    [Theory]
    [InlineData("OutboxDispatcher.SqlServerClaim", "OutboxMessages")]
    [InlineData("PayoutClaims.SqlServerClaim", "Milestones")]
    public void Claim_OnSqlServer_IsOneStatementThatSkipsLockedRowsAndReturnsWhatItLeased(string name, string table)
    {
        var sql = SqlServerScript.RawStatements().Single(s => s.Name == name).Sql;
        var script = SqlServerScript.Parse(sql, out var errors);
        Assert.Empty(errors);
        var inventory = new SqlServerScript.Inventory();
        script.Accept(inventory);

        var statement = Assert.Single(Assert.Single(script.Batches).Statements);
        Assert.IsType<UpdateStatement>(statement);
        Assert.Equal(1, inventory.OutputClauses);
        Assert.Superset(new HashSet<TableHintKind> { TableHintKind.UpdLock, TableHintKind.ReadPast, TableHintKind.Rowlock }, inventory.Tables[table].ToHashSet());
    }

    /// <summary>Two first invoices of a day, status and currency at once: the second waits on the key range instead of inserting the row twice.</summary>
    [Fact]
    public void DayTotalsUpsert_OnSqlServer_IsOneMergeThatHoldsItsKeyRangeUntilCommit()
    {
        var sql = SqlServerScript.RawStatements().Single(s => s.Name == "InvoiceDayTotals.SqlServerMerge").Sql;
        var script = SqlServerScript.Parse(sql, out var errors);
        Assert.Empty(errors);
        var inventory = new SqlServerScript.Inventory();
        script.Accept(inventory);

        Assert.IsType<MergeStatement>(Assert.Single(Assert.Single(script.Batches).Statements));
        Assert.Contains(TableHintKind.HoldLock, inventory.Tables["InvoiceDayTotals"]);
    }

    [Fact]
    public void InboxClaim_OnSqlServer_IsOneInsertThatHoldsTheKeyRangeItChecked()
    {
        var sql = SqlServerScript.RawStatements().Single(s => s.Name == "WebhookInbox.SqlServerClaim").Sql;
        var script = SqlServerScript.Parse(sql, out var errors);
        Assert.Empty(errors);
        var inventory = new SqlServerScript.Inventory();
        script.Accept(inventory);

        // UPDLOCK, HOLDLOCK: a second claim of the same id waits for the first's commit and then finds its row (no
        // duplicate-key error); the range lock also covers an id not there yet.
        var insert = Assert.IsType<InsertStatement>(Assert.Single(Assert.Single(script.Batches).Statements));
        Assert.Equal("ProcessedWebhookEvents", ((NamedTableReference)insert.InsertSpecification.Target).SchemaObject.BaseIdentifier.Value);
        Assert.Superset(new HashSet<TableHintKind> { TableHintKind.UpdLock, TableHintKind.HoldLock }, inventory.Tables["ProcessedWebhookEvents"].ToHashSet());
    }

    [Fact]
    public void MigrationScript_ForSqlServer_LeavesExternalKeysInABinaryCollation()
    {
        var script = SqlServerScript.Parse(SqlServerScript.MigrationScript(), out var errors);
        Assert.Empty(errors);
        var collations = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var statement in script.Batches.SelectMany(b => b.Statements))
        {
            switch (statement)
            {
                case CreateTableStatement create:
                    foreach (var column in create.Definition.ColumnDefinitions)
                    {
                        collations[$"{create.SchemaObjectName.BaseIdentifier.Value}.{column.ColumnIdentifier.Value}"] = column.Collation?.Value;
                    }

                    break;
                case AlterTableAlterColumnStatement alter:
                    collations[$"{alter.SchemaObjectName.BaseIdentifier.Value}.{alter.ColumnIdentifier.Value}"] = alter.Collation?.Value;
                    break;
            }
        }

        foreach (var column in new[] { "IdempotencyRecords.Key", "ProcessedWebhookEvents.EventId", "Milestones.ChargeId", "Milestones.TransferId", "EmployerBillingProfiles.CustomerId", "TrainerPayoutAccounts.ConnectedAccountId" })
        {
            Assert.True(collations.TryGetValue(column, out var collation), $"{column} is not in the script");
            Assert.Equal(SqlServerAppDbContext.ExactCollation, collation);
        }

        // Names and titles keep the server's case-insensitive collation (searching for "ada" finds "Ada").
        Assert.Null(collations["Users.Name"]);
    }
}
