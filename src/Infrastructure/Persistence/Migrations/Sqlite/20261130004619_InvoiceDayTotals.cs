using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.Sqlite
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
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PaymentStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", unicode: false, maxLength: 3, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalCents = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceDayTotals", x => new { x.Day, x.Kind, x.PaymentStatus, x.Currency });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_JobId_IssuedAt",
                table: "Invoices",
                columns: new[] { "JobId", "IssuedAt" });

            // Every invoice already issued, counted in its UTC day (ticks / ticks per day = days since 0001-01-01;
            // 719162 of them before 1970-01-01). The table is kept from here on by InvoiceDayTotals.
            migrationBuilder.Sql("""
                INSERT INTO "InvoiceDayTotals" ("Day", "Kind", "PaymentStatus", "Currency", "Count", "TotalCents")
                SELECT date(("IssuedAt" / 864000000000 - 719162) * 86400, 'unixepoch'), "Kind", "PaymentStatus", "TotalCurrency", count(*), sum("TotalCents")
                FROM "Invoices"
                GROUP BY 1, "Kind", "PaymentStatus", "TotalCurrency";
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
