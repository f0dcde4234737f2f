using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StripeWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProcessedWebhookEvents",
                columns: table => new
                {
                    EventId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 255, nullable: false),
                    Type = table.Column<string>(type: "TEXT", unicode: false, maxLength: 100, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedWebhookEvents", x => x.EventId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProcessedWebhookEvents");
        }
    }
}
