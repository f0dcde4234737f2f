using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>The inbox claim's event id goes out as the key column is typed, so SQL Server seeks (and range-locks) the key instead of converting every row.</summary>
public sealed class InboxClaimParameterTests
{
    [Fact]
    public void CreateClaim_ForSqlServer_TypesTheParametersAsTheColumns()
    {
        using var connection = new SqlConnection();
        using var db = SqlServerScript.Context();
        var entity = db.Model.FindEntityType(typeof(ProcessedWebhookEvent))!;

        using var command = WebhookInbox.CreateClaim(connection, sqlite: false, "evt_1", "charge.refunded", Moments.Now);

        Assert.Equal("varchar(255)", entity.FindProperty(nameof(ProcessedWebhookEvent.EventId))!.GetColumnType());
        Assert.Equal((SqlDbType.VarChar, 255), (((SqlParameter)command.Parameters["@eventId"]).SqlDbType, ((SqlParameter)command.Parameters["@eventId"]).Size));
        Assert.Equal("varchar(100)", entity.FindProperty(nameof(ProcessedWebhookEvent.Type))!.GetColumnType());
        Assert.Equal((SqlDbType.VarChar, 100), (((SqlParameter)command.Parameters["@type"]).SqlDbType, ((SqlParameter)command.Parameters["@type"]).Size));
        Assert.Equal("datetimeoffset", entity.FindProperty(nameof(ProcessedWebhookEvent.ReceivedAt))!.GetColumnType());
        Assert.Equal(SqlDbType.DateTimeOffset, ((SqlParameter)command.Parameters["@receivedAt"]).SqlDbType);
    }
}
