using System.Linq.Expressions;
using System.Reflection;
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
    public static IQueryable<Milestone> VisibleTo(this IQueryable<Milestone> query, ICurrentUser user) => Apply(query, MilestoneRule(user.Role), user);

    public static IQueryable<Contract> VisibleTo(this IQueryable<Contract> query, ICurrentUser user) => Apply(query, ContractRule(user.Role), user);

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
    public static IQueryable<Invoice> VisibleTo(this IQueryable<Invoice> query, ICurrentUser user) => Apply(query, InvoiceRule(user.Role), user);

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

    // The rules, one per role, as expressions of the row and the viewer: the queryable forms above and the
    // compiled reads (Expand) both take them from here. Null: the role sees every row.
    private static Expression<Func<Milestone, UserId, bool>>? MilestoneRule(UserRole role) => role switch
    {
        UserRole.Admin => null,
        UserRole.Employer => (m, id) => m.EmployerId == id,
        _ => (m, id) => m.TrainerId == id,
    };

    private static Expression<Func<Contract, UserId, bool>>? ContractRule(UserRole role) => role switch
    {
        UserRole.Admin => null,
        UserRole.Employer => (c, id) => c.EmployerId == id,
        _ => (c, id) => c.TrainerId == id,
    };

    private static Expression<Func<Invoice, UserId, bool>>? InvoiceRule(UserRole role) => role switch
    {
        UserRole.Admin => null,
        UserRole.Employer => (i, id) => i.EmployerId == id && i.Kind != InvoiceKind.TrainerPayout,
        _ => (i, id) => i.TrainerId == id && i.Kind == InvoiceKind.TrainerPayout,
    };

    private static LambdaExpression? RuleFor(Type row, UserRole role) =>
        row == typeof(Milestone) ? MilestoneRule(role)
        : row == typeof(Contract) ? ContractRule(role)
        : row == typeof(Invoice) ? InvoiceRule(role)
        : throw new NotSupportedException($"No visibility rule for {row.Name}.");

    /// <summary>The rule with the viewer's id read from an object, so the provider sends it as a parameter.</summary>
    private static IQueryable<T> Apply<T>(IQueryable<T> query, Expression<Func<T, UserId, bool>>? rule, ICurrentUser user)
    {
        if (rule is null)
        {
            return query;
        }

        var viewer = Expression.Property(Expression.Constant(new Viewer(user.Id)), nameof(Viewer.Id));
        return query.Where(Expression.Lambda<Func<T, bool>>(new Substitute(rule.Parameters[1], viewer).Visit(rule.Body), rule.Parameters[0]));
    }

    /// <summary>
    /// A compiled read for one role: each <see cref="IReadRoots.VisibleTo{T}(UserId)"/> in it becomes the
    /// set filtered by that role's rule, with the read's own user argument in the rule.
    /// </summary>
    internal static Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> Expand<TArgs, TResult>(Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> query, UserRole role) =>
        (Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>>)new ExpandVisibleTo(role).Visit(query);

    private sealed record Viewer(UserId Id);

    private sealed class Substitute(ParameterExpression parameter, Expression with) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? with : base.VisitParameter(node);
    }

    private sealed class ExpandVisibleTo(UserRole role) : ExpressionVisitor
    {
        private static readonly MethodInfo SetMethod = typeof(IReadRoots).GetMethod(nameof(IReadRoots.Set))!;
        private static readonly MethodInfo WhereMethod = new Func<IQueryable<object>, Expression<Func<object, bool>>, IQueryable<object>>(Queryable.Where).Method.GetGenericMethodDefinition();

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(IReadRoots) || node.Method.Name != nameof(IReadRoots.VisibleTo))
            {
                return base.VisitMethodCall(node);
            }

            var row = node.Method.GetGenericArguments()[0];
            var set = Expression.Call(node.Object, SetMethod.MakeGenericMethod(row));
            if (RuleFor(row, role) is not { } rule)
            {
                return set;
            }

            var predicate = Expression.Lambda(new Substitute(rule.Parameters[1], Visit(node.Arguments[0])).Visit(rule.Body), rule.Parameters[0]);
            return Expression.Call(WhereMethod.MakeGenericMethod(row), set, Expression.Quote(predicate));
        }
    }
}
