using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Invoices;

/// <summary>
/// The party an invoice is issued to, named at that moment with the best name known (the profile's name from
/// the token, else the e-mail, else the role), never a raw id: an issued invoice never changes its bill-to.
/// </summary>
internal static class InvoiceParties
{
    public static async Task<(string Name, string? Email)> NameOfAsync(this IReadStore store, UserId party, UserRole role, CancellationToken cancellationToken)
    {
        var profile = await store.FirstOrDefaultAsync(
            store.Query<UserProfile>().Where(u => u.Id == party).Select(u => new { u.Name, u.Email }),
            cancellationToken);
        var email = string.IsNullOrWhiteSpace(profile?.Email) ? null : profile.Email;
        return (Label(profile?.Name, email, role), email);
    }

    /// <summary>The names of several parties of one role, in one query (a batch of invoices).</summary>
    public static async Task<IReadOnlyDictionary<UserId, (string Name, string? Email)>> NamesOfAsync(
        this IReadStore store, IReadOnlyCollection<UserId> parties, UserRole role, CancellationToken cancellationToken)
    {
        var profiles = (await store.ToListAsync(
            store.Query<UserProfile>().Where(u => parties.Contains(u.Id)).Select(u => new { u.Id, u.Name, u.Email }),
            cancellationToken)).ToDictionary(p => p.Id);
        var names = new Dictionary<UserId, (string Name, string? Email)>(parties.Count);
        foreach (var party in parties)
        {
            var profile = profiles.GetValueOrDefault(party);
            var email = string.IsNullOrWhiteSpace(profile?.Email) ? null : profile.Email;
            names[party] = (Label(profile?.Name, email, role), email);
        }

        return names;
    }

    /// <summary>The name printed for a party: its name, else its e-mail, else its role (an invoice issued before names were frozen).</summary>
    public static string Label(string? name, string? email, UserRole role) =>
        !string.IsNullOrWhiteSpace(name) && !UserProfile.IsPlaceholderName(name) ? name
        : !string.IsNullOrWhiteSpace(email) ? email
        : role.ToString();
}
