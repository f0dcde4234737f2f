namespace OpenTrain.Clean.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Chosen explicitly, never guessed from the OS or the connection string.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start (on by default for SQLite, the embedded default).</summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>SQLite: this process's writers queue in memory for the one write lock (<see cref="SqliteWriterGate"/>); off only to measure without it.</summary>
    public bool SqliteWriterGate { get; set; } = true;
}
