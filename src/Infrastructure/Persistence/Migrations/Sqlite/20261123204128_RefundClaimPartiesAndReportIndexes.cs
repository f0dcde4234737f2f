using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.Sqlite
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

            migrationBuilder.AddColumn<long>(
                name: "RefundRequestedAt",
                table: "Milestones",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CounterpartyEmail",
                table: "Invoices",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CounterpartyName",
                table: "Invoices",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

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
