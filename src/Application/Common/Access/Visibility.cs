using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Invoices;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Application.Common.Access;

/// <summary>
/// Who sees what: an employer their own, a trainer what they were hired on, an admin everything.
/// Anything filtered out answers 404, never 403, so ids of other people's things reveal nothing.
/// </summary>
public static class Visibility
{
    public static IQueryable<Milestone> VisibleTo(this IQueryable<Milestone> query, ICurrentUser user)
    {
        var id = user.Id;
        return user.Role switch
        {
            UserRole.Admin => query,
            UserRole.Employer => query.Where(m => m.EmployerId == id),
            _ => query.Where(m => m.TrainerId == id),
        };
    }

    public static IQueryable<Contract> VisibleTo(this IQueryable<Contract> query, ICurrentUser user)
    {
        var id = user.Id;
        return user.Role switch
        {
            UserRole.Admin => query,
            UserRole.Employer => query.Where(c => c.EmployerId == id),
            _ => query.Where(c => c.TrainerId == id),
        };
    }

    public static IQueryable<Job> VisibleTo(this IQueryable<Job> query, IQueryable<Contract> contracts, ICurrentUser user)
    {
        var id = user.Id;
        return user.Role switch
        {
            UserRole.Admin => query,
            UserRole.Employer => query.Where(j => j.EmployerId == id),
            _ => query.Where(j => contracts.Any(c => c.JobId == j.Id && c.TrainerId == id)),
        };
    }

    /// <summary>Employers see what they pay (funding, subscription, credit notes); trainers their payout records.</summary>
    public static IQueryable<Invoice> VisibleTo(this IQueryable<Invoice> query, ICurrentUser user)
    {
        var id = user.Id;
        return user.Role switch
        {
            UserRole.Admin => query,
            UserRole.Employer => query.Where(i => i.EmployerId == id && i.Kind != InvoiceKind.TrainerPayout),
            _ => query.Where(i => i.TrainerId == id && i.Kind == InvoiceKind.TrainerPayout),
        };
    }

    /// <summary>
    /// One invoice read by id (and its PDF): what <see cref="VisibleTo(IQueryable{Invoice}, ICurrentUser)"/> shows, and
    /// also, to the contract's employer, the trainer's payout record, which the payment history names and the
    /// product documents tell employers to reference when reconciling. Read only: nothing changes an invoice here.
    /// </summary>
    public static IQueryable<Invoice> ReadableBy(this IQueryable<Invoice> query, ICurrentUser user)
    {
        var id = user.Id;
        return user.Role == UserRole.Employer ? query.Where(i => i.EmployerId == id) : query.VisibleTo(user);
    }
}
