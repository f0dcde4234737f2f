using System.Linq.Expressions;

namespace OpenTrain.Clean.Domain.Common;

/// <summary>
/// A rule about an aggregate, written once as an expression: the aggregate evaluates it in memory,
/// and a query filters by the very same expression (EF Core translates it), so the two cannot drift.
/// </summary>
/// <typeparam name="T">The aggregate.</typeparam>
/// <typeparam name="TArg">What the rule is asked at, usually the current instant.</typeparam>
public sealed class Rule<T, TArg>
{
    private readonly Expression<Func<T, TArg, bool>> _definition;
    private readonly Func<T, TArg, bool> _evaluate;

    public Rule(Expression<Func<T, TArg, bool>> definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        _evaluate = definition.Compile();
    }

    public bool IsSatisfiedBy(T item, TArg argument) => _evaluate(item, argument);

    /// <summary>The rule with its argument bound, for a query's <c>Where</c>; the argument stays a query parameter.</summary>
    public Expression<Func<T, bool>> At(TArg argument)
    {
        var captured = Expression.Property(Expression.Constant(new Captured(argument)), nameof(Captured.Value));
        var body = new Substitution(_definition.Parameters[1], captured).Visit(_definition.Body);
        return Expression.Lambda<Func<T, bool>>(body, _definition.Parameters[0]);
    }

    /// <summary>Looks to a query provider like a captured local variable, which it sends as a parameter.</summary>
    private sealed record Captured(TArg Value);

    private sealed class Substitution(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
    }
}
