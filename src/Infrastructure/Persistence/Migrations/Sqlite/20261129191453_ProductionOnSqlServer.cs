using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProductionOnSqlServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Notifications_UserId_ReadAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_EmployerId",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_EmployerId_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_TrainerId_Kind_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Contracts_EmployerId",
                table: "Contracts");

            migrationBuilder.DropIndex(
                name: "IX_Contracts_TrainerId",
                table: "Contracts");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_ReadAt_CreatedAt",
                table: "Notifications",
                columns: new[] { "UserId", "ReadAt", "CreatedAt" });

            // Written by hand: EF Core 10 cannot index a complex type's property (the charge and transfer ids
            // are in the milestone's funding and payout facts), and Stripe's webhooks look milestones up by them.
            migrationBuilder.CreateIndex(
                name: "IX_Milestones_ChargeId",
                table: "Milestones",
                column: "ChargeId");

            migrationBuilder.CreateIndex(
                name: "IX_Milestones_TransferId",
                table: "Milestones",
                column: "TransferId");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_EmployerId_CreatedAt_Id",
                table: "Jobs",
                columns: new[] { "EmployerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_EmployerId_IssuedAt_Id",
                table: "Invoices",
                columns: new[] { "EmployerId", "IssuedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_IssuedAt_Id",
                table: "Invoices",
                columns: new[] { "IssuedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_PaymentReference_Kind",
                table: "Invoices",
                columns: new[] { "PaymentReference", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_TrainerId_Kind_IssuedAt_Id",
                table: "Invoices",
                columns: new[] { "TrainerId", "Kind", "IssuedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Contracts_EmployerId_HiredAt_Id",
                table: "Contracts",
                columns: new[] { "EmployerId", "HiredAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Contracts_TrainerId_HiredAt_Id",
                table: "Contracts",
                columns: new[] { "TrainerId", "HiredAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Notifications_UserId_ReadAt_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Milestones_ChargeId",
                table: "Milestones");

            migrationBuilder.DropIndex(
                name: "IX_Milestones_TransferId",
                table: "Milestones");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_EmployerId_CreatedAt_Id",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_EmployerId_IssuedAt_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_IssuedAt_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_PaymentReference_Kind",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_TrainerId_Kind_IssuedAt_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Contracts_EmployerId_HiredAt_Id",
                table: "Contracts");

            migrationBuilder.DropIndex(
                name: "IX_Contracts_TrainerId_HiredAt_Id",
                table: "Contracts");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_ReadAt",
                table: "Notifications",
                columns: new[] { "UserId", "ReadAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_EmployerId",
                table: "Jobs",
                column: "EmployerId");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_EmployerId_Id",
                table: "Invoices",
                columns: new[] { "EmployerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_TrainerId_Kind_Id",
                table: "Invoices",
                columns: new[] { "TrainerId", "Kind", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Contracts_EmployerId",
                table: "Contracts",
                column: "EmployerId");

            migrationBuilder.CreateIndex(
                name: "IX_Contracts_TrainerId",
                table: "Contracts",
                column: "TrainerId");
        }
    }
}
