using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.SqlServer
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

            migrationBuilder.AlterColumn<string>(
                name: "ConnectedAccountId",
                table: "TrainerPayoutAccounts",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            // SQL Server cannot alter a column its primary key depends on: drop the key, alter, add it back.
            migrationBuilder.DropPrimaryKey(
                name: "PK_ProcessedWebhookEvents",
                table: "ProcessedWebhookEvents");

            migrationBuilder.AlterColumn<string>(
                name: "EventId",
                table: "ProcessedWebhookEvents",
                type: "varchar(255)",
                unicode: false,
                maxLength: 255,
                nullable: false,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "varchar(255)",
                oldUnicode: false,
                oldMaxLength: 255);

            migrationBuilder.AddPrimaryKey(
                name: "PK_ProcessedWebhookEvents",
                table: "ProcessedWebhookEvents",
                column: "EventId");

            migrationBuilder.AlterColumn<string>(
                name: "TransferId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "RefundReference",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "PaymentIntentId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "FundingPaymentMethodId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "DisputeId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "ChargeId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "PaymentReference",
                table: "Invoices",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "RequestHash",
                table: "IdempotencyRecords",
                type: "varchar(64)",
                unicode: false,
                maxLength: 64,
                nullable: false,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "varchar(64)",
                oldUnicode: false,
                oldMaxLength: 64);

            // SQL Server cannot alter a column its primary key depends on: drop the key, alter, add it back.
            migrationBuilder.DropPrimaryKey(
                name: "PK_IdempotencyRecords",
                table: "IdempotencyRecords");

            migrationBuilder.AlterColumn<string>(
                name: "Key",
                table: "IdempotencyRecords",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: false,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255);

            migrationBuilder.AddPrimaryKey(
                name: "PK_IdempotencyRecords",
                table: "IdempotencyRecords",
                columns: new[] { "CallerId", "Key" });

            migrationBuilder.AlterColumn<string>(
                name: "SubscriptionId",
                table: "EmployerBillingProfiles",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "PaymentMethodId",
                table: "EmployerBillingProfiles",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "CustomerId",
                table: "EmployerBillingProfiles",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                collation: "Latin1_General_100_BIN2",
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true);

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

            migrationBuilder.AlterColumn<string>(
                name: "ConnectedAccountId",
                table: "TrainerPayoutAccounts",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            // SQL Server cannot alter a column its primary key depends on: drop the key, alter, add it back.
            migrationBuilder.DropPrimaryKey(
                name: "PK_ProcessedWebhookEvents",
                table: "ProcessedWebhookEvents");

            migrationBuilder.AlterColumn<string>(
                name: "EventId",
                table: "ProcessedWebhookEvents",
                type: "varchar(255)",
                unicode: false,
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "varchar(255)",
                oldUnicode: false,
                oldMaxLength: 255,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ProcessedWebhookEvents",
                table: "ProcessedWebhookEvents",
                column: "EventId");

            migrationBuilder.AlterColumn<string>(
                name: "TransferId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "RefundReference",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "PaymentIntentId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "FundingPaymentMethodId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "DisputeId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "ChargeId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "PaymentReference",
                table: "Invoices",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "RequestHash",
                table: "IdempotencyRecords",
                type: "varchar(64)",
                unicode: false,
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "varchar(64)",
                oldUnicode: false,
                oldMaxLength: 64,
                oldCollation: "Latin1_General_100_BIN2");

            // SQL Server cannot alter a column its primary key depends on: drop the key, alter, add it back.
            migrationBuilder.DropPrimaryKey(
                name: "PK_IdempotencyRecords",
                table: "IdempotencyRecords");

            migrationBuilder.AlterColumn<string>(
                name: "Key",
                table: "IdempotencyRecords",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AddPrimaryKey(
                name: "PK_IdempotencyRecords",
                table: "IdempotencyRecords",
                columns: new[] { "CallerId", "Key" });

            migrationBuilder.AlterColumn<string>(
                name: "SubscriptionId",
                table: "EmployerBillingProfiles",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "PaymentMethodId",
                table: "EmployerBillingProfiles",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

            migrationBuilder.AlterColumn<string>(
                name: "CustomerId",
                table: "EmployerBillingProfiles",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "nvarchar(255)",
                oldMaxLength: 255,
                oldNullable: true,
                oldCollation: "Latin1_General_100_BIN2");

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
