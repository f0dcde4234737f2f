using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests;

/// <summary>
/// A real SQLite file in its own temp directory, migrated and switched to WAL as the app's
/// DatabaseInitializer leaves it. The migrations run once into a template that each test copies.
/// </summary>
internal sealed class TestDatabase : IDisposable
{
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestDatabase(string directory, string file)
    {
        Directory = directory;
        File = file;
    }

    public string Directory { get; }

    public string File { get; }

    public string ConnectionString => $"Data Source={File}";

    /// <summary>A fresh, migrated database file.</summary>
    public static TestDatabase Create()
    {
        var directory = NewDirectory();
        var file = Path.Combine(directory, "opentrain.db");
        System.IO.File.Copy(Template.Value, file);
        return new TestDatabase(directory, file);
    }

    /// <summary>An empty directory to put a file in, without a database.</summary>
    public static TestDatabase Empty()
    {
        var directory = NewDirectory();
        return new TestDatabase(directory, Path.Combine(directory, "opentrain.db"));
    }

    public SqliteAppDbContext NewContext(TimeProvider? clock = null) => Context(ConnectionString, clock);

    /// <summary>
    /// Invoices written with plain SQL bypass the day totals the app keeps: count them again as an upgrade
    /// does, by running the InvoiceDayTotals migration down and up again (its backfill).
    /// </summary>
    public void RecountInvoiceDayTotals()
    {
        using var db = NewContext();
        var migrations = db.Database.GetMigrations().ToList();
        var dayTotals = migrations.FindIndex(m => m.EndsWith("_InvoiceDayTotals", StringComparison.Ordinal));
        var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
        migrator.Migrate(migrations[dayTotals - 1]);
        migrator.Migrate();
    }

    public static SqliteAppDbContext Context(string connectionString, TimeProvider? clock = null) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new DomainEventsToOutboxInterceptor(clock ?? TimeProvider.System), new InvoiceDayTotals())
            .Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "opentrain-it", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    private static string CreateTemplate()
    {
        var directory = NewDirectory();
        var file = Path.Combine(directory, "template.db");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(directory, recursive: true);

        // No pooling: the template must be closed (and its WAL checkpointed) before it is copied.
        using var db = Context($"Data Source={file};Pooling=False");
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode = WAL;");
        return file;
    }
}
