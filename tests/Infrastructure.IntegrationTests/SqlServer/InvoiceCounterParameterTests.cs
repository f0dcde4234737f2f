using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>The counter's prefix goes out as the column is typed, so SQL Server seeks the key instead of converting every row.</summary>
public sealed class InvoiceCounterParameterTests
{
    [Fact]
    public void CreateCommand_ForSqlServer_TypesThePrefixAsTheColumnsVarchar()
    {
        using var connection = new SqlConnection();
        using var db = SqlServerScript.Context();
        var column = db.Model.FindEntityType(typeof(InvoiceSequence))!.FindProperty(nameof(InvoiceSequence.Prefix))!.GetColumnType();

        using var command = InvoiceNumberSequence.CreateCommand(connection, sqlite: false, "INV", 2026);

        var prefix = (SqlParameter)command.Parameters["@prefix"];
        Assert.Equal("varchar(8)", column);
        Assert.Equal(SqlDbType.VarChar, prefix.SqlDbType);
        Assert.Equal(8, prefix.Size);
        Assert.Equal(SqlDbType.Int, ((SqlParameter)command.Parameters["@year"]).SqlDbType);
    }
}
