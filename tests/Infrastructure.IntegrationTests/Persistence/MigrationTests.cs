using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Persistence;

public sealed class MigrationTests
{
    private static readonly string[] Tables =
    [
        "Contracts", "EmployerBillingProfiles", "InvoiceLines", "InvoiceSequences", "Invoices", "Jobs",
        "MilestoneTimeline", "Milestones", "OutboxMessages", "TrainerPayoutAccounts", "Users",
    ];

    [Fact]
    public async Task MigrateAsync_WhenTheFileIsEmpty_AppliesEveryMigrationAndCreatesEveryTable()
    {
        using var database = TestDatabase.Empty();
        await using var db = database.NewContext();

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        var tables = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table'").ToListAsync();
        Assert.Superset(Tables.ToHashSet(), tables.ToHashSet());
    }

    [Fact]
    public async Task HasPendingModelChanges_ForSqlite_IsFalse()
    {
        using var database = TestDatabase.Empty();
        await using var db = database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite model changed without a migration: add one with --context SqliteAppDbContext.");
    }

    [Fact]
    public void HasPendingModelChanges_ForSqlServer_IsFalse()
    {
        using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=.;Database=x;Trusted_Connection=True")
            .AddInterceptors(new DomainEventsToOutboxInterceptor(TimeProvider.System))
            .Options);

        Assert.False(db.Database.HasPendingModelChanges(), "The SQL Server model changed without a migration: add one with --context SqlServerAppDbContext.");
    }

    /// <summary>The check above can fail: the same context with one unmigrated column reports pending changes.</summary>
    [Fact]
    public void HasPendingModelChanges_WhenTheModelGainsAColumnWithoutAMigration_IsTrue()
    {
        using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite("Data Source=:memory:")
            .ReplaceService<IModelCustomizer, ExtraColumnCustomizer>()
            .Options);

        Assert.True(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task DatabaseInitializer_WhenStartedOnAMissingDirectory_CreatesAndMigratesTheFileInWalMode()
    {
        using var root = TestDatabase.Empty();
        var file = Path.Combine(root.Directory, "nested", "app.db");
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext, SqliteAppDbContext>(options => options.UseSqlite($"Data Source={file}"));
        await using var provider = services.BuildServiceProvider();
        var initializer = new DatabaseInitializer(provider, Options.Create(new DatabaseOptions()), NullLogger<DatabaseInitializer>.Instance);

        await initializer.StartAsync(CancellationToken.None);

        Assert.True(File.Exists(file));
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        await using var db = TestDatabase.Context($"Data Source={file}");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private sealed class ExtraColumnCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<OutboxMessage>().Property<string>("UnmigratedProbe");
        }
    }
}
