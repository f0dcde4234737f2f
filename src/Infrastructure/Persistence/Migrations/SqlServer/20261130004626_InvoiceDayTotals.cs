using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InvoiceDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InvoiceDayTotals",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    PaymentStatus = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Currency = table.Column<string>(type: "varchar(3)", unicode: false, maxLength: 3, nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    TotalCents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceDayTotals", x => new { x.Day, x.Kind, x.PaymentStatus, x.Currency });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_JobId_IssuedAt",
                table: "Invoices",
                columns: new[] { "JobId", "IssuedAt" });

            // Every invoice already issued, counted in its UTC day. The table is kept from here on by InvoiceDayTotals.
            migrationBuilder.Sql("""
                INSERT INTO [InvoiceDayTotals] ([Day], [Kind], [PaymentStatus], [Currency], [Count], [TotalCents])
                SELECT CAST(SWITCHOFFSET([IssuedAt], '+00:00') AS date), [Kind], [PaymentStatus], [TotalCurrency], COUNT(*), SUM([TotalCents])
                FROM [Invoices]
                GROUP BY CAST(SWITCHOFFSET([IssuedAt], '+00:00') AS date), [Kind], [PaymentStatus], [TotalCurrency];
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InvoiceDayTotals");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_JobId_IssuedAt",
                table: "Invoices");
        }
    }
}
