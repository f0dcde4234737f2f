using Microsoft.Data.SqlClient;

namespace OpenTrain.Clean.TestSupport.SqlServer;

/// <summary>
/// The opt-in SQL Server run of the suite: when <c>OPENTRAIN_SQLSERVER</c> holds a connection string to a
/// SQL Server the tests may create databases on, every test host gets a fresh database of its own there
/// (named after the host's data directory; the API applies the SQL Server migrations at start), dropped when
/// the host is done. Without it the hosts use their SQLite file.
/// </summary>
public static class SqlServerTestDatabases
{
    public const string Variable = "OPENTRAIN_SQLSERVER";

    public static string? Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } server ? server : null;

    /// <summary>The connection string of the fresh database for the host whose data directory is <paramref name="dataDirectory"/>.</summary>
    public static string For(string dataDirectory)
    {
        var server = Server ?? throw new InvalidOperationException($"{Variable} is not set.");
        return new SqlConnectionStringBuilder(server) { InitialCatalog = NameFor(dataDirectory) }.ConnectionString;
    }

    /// <summary>Drops the host's database, closing whatever connections are still open to it.</summary>
    public static void Drop(string dataDirectory)
    {
        var name = NameFor(dataDirectory);
        SqlConnection.ClearAllPools();
        using var connection = new SqlConnection(new SqlConnectionStringBuilder(Server) { InitialCatalog = "master" }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END";
        command.ExecuteNonQuery();
    }

    /// <summary>Letters and digits only (the directory is a GUID), so the name needs no quoting beyond brackets.</summary>
    private static string NameFor(string dataDirectory) =>
        "OpenTrainTest_" + string.Concat(Path.GetFileName(dataDirectory.TrimEnd(Path.DirectorySeparatorChar)).Where(char.IsAsciiLetterOrDigit));
}
