using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Application.Invoices;

/// <summary>The party an invoice is issued to, as named at that moment: an issued invoice never changes its bill-to.</summary>
internal static class InvoiceParties
{
    public static async Task<(string? Name, string? Email)> NameOfAsync(this IReadStore store, UserId party, CancellationToken cancellationToken)
    {
        var profile = await store.FirstOrDefaultAsync(
            store.Query<UserProfile>().Where(u => u.Id == party).Select(u => new { u.Name, u.Email }),
            cancellationToken);
        return (profile?.Name, string.IsNullOrEmpty(profile?.Email) ? null : profile.Email);
    }
}
