using Microsoft.EntityFrameworkCore.Migrations;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// The milestone statuses took the product's names (Funded → ActiveFunded, Submitted →
/// PendingApproval, Releasing → PayoutPending). Statuses are stored by name, so rows written
/// before keep the old names until a migration rewrites them: the milestone's status and both ends
/// of every timeline entry. Used by the migration of each provider.
/// </summary>
internal static class MilestoneStatusNames
{
    private static readonly (string Old, string New)[] Renamed =
    [
        ("Funded", "ActiveFunded"),
        ("Submitted", "PendingApproval"),
        ("Releasing", "PayoutPending"),
    ];

    public static void Rename(MigrationBuilder migrationBuilder) => Rewrite(migrationBuilder, Renamed);

    public static void Restore(MigrationBuilder migrationBuilder) => Rewrite(migrationBuilder, [.. Renamed.Select(r => (r.New, r.Old))]);

    private static void Rewrite(MigrationBuilder migrationBuilder, (string From, string To)[] renames)
    {
        foreach (var (from, to) in renames)
        {
            // UpdateData's key is only the WHERE clause: every row holding the old name gets the new one.
            migrationBuilder.UpdateData("Milestones", "Status", from, "Status", to);
            migrationBuilder.UpdateData("MilestoneTimeline", "From", from, "From", to);
            migrationBuilder.UpdateData("MilestoneTimeline", "To", from, "To", to);
        }
    }
}
