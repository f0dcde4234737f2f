using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenTrain.Clean.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MilestoneStatusProductNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            MilestoneStatusNames.Rename(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            MilestoneStatusNames.Restore(migrationBuilder);
        }
    }
}
