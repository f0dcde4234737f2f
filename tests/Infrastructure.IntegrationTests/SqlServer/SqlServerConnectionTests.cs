using System.Net;
using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>
/// SqlClient must get as far as the network: with InvariantGlobalization it throws
/// NotSupportedException before any socket is opened, which no server could ever fix.
/// </summary>
public sealed class SqlServerConnectionTests
{
    [Fact]
    public async Task Open_WhenNothingListensOnThePort_FailsWithANetworkSqlException()
    {
        await using var connection = new SqlConnection(ClosedPortConnectionString());

        var error = await Assert.ThrowsAsync<SqlException>(() => connection.OpenAsync());

        Assert.Contains("network-related", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MigrateAsync_WhenNothingListensOnThePort_FailsWithANetworkSqlException()
    {
        await using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer(ClosedPortConnectionString()).Options);

        var error = await Record.ExceptionAsync(() => db.Database.MigrateAsync());

        Assert.IsType<SqlException>(error);
    }

    /// <summary>A loopback port that was free a moment ago: connecting to it is refused at once.</summary>
    internal static string ClosedPortConnectionString()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"Server=tcp:127.0.0.1,{port};Database=OpenTrain;User Id=sa;Password=unused-Passw0rd;TrustServerCertificate=True;Connect Timeout=3;ConnectRetryCount=0;Pooling=False";
    }
}
