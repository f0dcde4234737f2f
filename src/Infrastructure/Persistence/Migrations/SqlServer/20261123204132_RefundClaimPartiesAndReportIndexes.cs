using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RefundClaimPartiesAndReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_EmployerId_Kind",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_TrainerId_Kind",
                table: "Invoices");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RefundRequestedAt",
                table: "Milestones",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CounterpartyEmail",
                table: "Invoices",
                type: "nvarchar(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CounterpartyName",
                table: "Invoices",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Description",
                table: "InvoiceLines",
                type: "nvarchar(2100)",
                maxLength: 2100,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(2000)",
                oldMaxLength: 2000);

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_EmployerId_Id",
                table: "Invoices",
                columns: new[] { "EmployerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_TrainerId_Kind_Id",
                table: "Invoices",
                columns: new[] { "TrainerId", "Kind", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_EmployerId_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_TrainerId_Kind_Id",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "RefundRequestedAt",
                table: "Milestones");

            migrationBuilder.DropColumn(
                name: "CounterpartyEmail",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "CounterpartyName",
                table: "Invoices");

            migrationBuilder.AlterColumn<string>(
                name: "Description",
                table: "InvoiceLines",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(2100)",
                oldMaxLength: 2100);

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_EmployerId_Kind",
                table: "Invoices",
                columns: new[] { "EmployerId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_TrainerId_Kind",
                table: "Invoices",
                columns: new[] { "TrainerId", "Kind" });
        }
    }
}
