using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class FundingAttemptPaymentMethod : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FundingPaymentMethodId",
                table: "Milestones",
                type: "nvarchar(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FundingPaymentMethodType",
                table: "Milestones",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FundingPaymentMethodId",
                table: "Milestones");

            migrationBuilder.DropColumn(
                name: "FundingPaymentMethodType",
                table: "Milestones");
        }
    }
}
