using System.Linq.Expressions;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>
/// Where a <see cref="CompiledRead{TArgs, TResult}"/> starts. Only named inside a read's expression,
/// never called: the read store puts its own no-tracking sets in their place.
/// </summary>
public interface IReadRoots
{
    /// <summary>Every row of <typeparamref name="T"/>.</summary>
    IQueryable<T> Set<T>()
        where T : class;

    /// <summary>
    /// The rows of <typeparamref name="T"/> the user may see: replaced, per role, by the rule of
    /// <see cref="Common.Access.Visibility"/> when the read is defined (<see cref="ReadsByRole{TArgs, TResult}"/>).
    /// </summary>
    IQueryable<T> VisibleTo<T>(UserId user)
        where T : class;
}

/// <summary>
/// A hot read written once as an expression of the read roots and its arguments (a struct: a tuple or
/// a record struct, whose fields or properties become the query's parameters). The read store hands it
/// to EF Core as a compiled query once per model and afterwards only binds new argument values: no
/// expression tree is built, hashed against the query cache or scanned for parameters per request.
/// Expression-valued fields it names (a shared projection) are inlined here.
/// </summary>
public sealed class CompiledRead<TArgs, TResult>
    where TArgs : struct
{
    public CompiledRead(Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Query = (Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>>)new InlineExpressionValues().Visit(query);
    }

    public Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> Query { get; }

    /// <summary>
    /// The same read as an ordinary query of <paramref name="store"/> (its sets for the roots, the arguments
    /// read from an object so the provider sends them as parameters): what runs where nothing is compiled.
    /// </summary>
    public IQueryable<TResult> Bind(IReadStore store, TArgs args)
    {
        ArgumentNullException.ThrowIfNull(store);
        var binder = new BindToStore(store, Query.Parameters[0], Query.Parameters[1], args);
        var body = binder.Visit(Query.Body);
        return binder.Provider!.CreateQuery<TResult>(body);
    }

    private sealed class BindToStore(IReadStore store, ParameterExpression roots, ParameterExpression args, TArgs values) : ExpressionVisitor
    {
        private static readonly System.Reflection.MethodInfo QueryMethod = typeof(IReadStore).GetMethod(nameof(IReadStore.Query))!;

        private readonly Expression _values = Expression.Field(Expression.Constant(new System.Runtime.CompilerServices.StrongBox<TArgs>(values)), nameof(System.Runtime.CompilerServices.StrongBox<TArgs>.Value));

        public IQueryProvider? Provider { get; private set; }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Object != roots)
            {
                return base.VisitMethodCall(node);
            }

            if (node.Method.Name != nameof(IReadRoots.Set))
            {
                throw new NotSupportedException($"IReadRoots.{node.Method.Name} must be expanded before the read runs (ReadsByRole).");
            }

            var set = (IQueryable)QueryMethod.MakeGenericMethod(node.Method.GetGenericArguments()).Invoke(store, null)!;
            Provider ??= set.Provider;
            return set.Expression;
        }

        protected override Expression VisitParameter(ParameterExpression node) => node == args ? _values : base.VisitParameter(node);
    }

    /// <summary>A projection or predicate held in a field (<c>.Select(SomeShape)</c>) becomes part of the tree, as if written inline.</summary>
    private sealed class InlineExpressionValues : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            if (typeof(LambdaExpression).IsAssignableFrom(node.Type) && node.Expression is null or ConstantExpression)
            {
                var value = Expression.Lambda<Func<object>>(Expression.Convert(node, typeof(object))).Compile()();
                return Expression.Quote(Visit((LambdaExpression)value));
            }

            return base.VisitMember(node);
        }
    }
}

/// <summary>Composes read expressions: one filter shared by reads that go on differently (a page and its totals).</summary>
public static class ReadExpressions
{
    /// <summary><paramref name="from"/>, then <paramref name="then"/> applied to its rows, with the same arguments.</summary>
    public static Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> Then<TArgs, T, TResult>(
        this Expression<Func<IReadRoots, TArgs, IQueryable<T>>> from,
        Expression<Func<IQueryable<T>, TArgs, IQueryable<TResult>>> then)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(then);
        var body = new Replace(then.Parameters[0], from.Body).Visit(new Replace(then.Parameters[1], from.Parameters[1]).Visit(then.Body));
        return Expression.Lambda<Func<IReadRoots, TArgs, IQueryable<TResult>>>(body, from.Parameters);
    }

    /// <summary>
    /// <paramref name="from"/>'s rows selected through <paramref name="selector"/>, whose second parameter is
    /// taken from the arguments by <paramref name="value"/> (a shared projection that needs, say, the viewer).
    /// </summary>
    public static Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> Select<TArgs, T, TValue, TResult>(
        this Expression<Func<IReadRoots, TArgs, IQueryable<T>>> from,
        Expression<Func<T, TValue, TResult>> selector,
        Expression<Func<TArgs, TValue>> value)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(value);
        var argument = new Replace(value.Parameters[0], from.Parameters[1]).Visit(value.Body);
        var projection = Expression.Lambda<Func<T, TResult>>(new Replace(selector.Parameters[1], argument).Visit(selector.Body), selector.Parameters[0]);
        var select = Expression.Call(typeof(Queryable), nameof(Queryable.Select), [typeof(T), typeof(TResult)], from.Body, Expression.Quote(projection));
        return Expression.Lambda<Func<IReadRoots, TArgs, IQueryable<TResult>>>(select, from.Parameters);
    }

    private sealed class Replace(ParameterExpression parameter, Expression with) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? with : base.VisitParameter(node);
    }
}

/// <summary>
/// One compiled read per role, each with that role's visibility rule built in: the role picks the
/// query's shape (an admin's has no filter), the user id is a parameter.
/// </summary>
public sealed class ReadsByRole<TArgs, TResult>
    where TArgs : struct
{
    private readonly CompiledRead<TArgs, TResult> _employer;
    private readonly CompiledRead<TArgs, TResult> _trainer;
    private readonly CompiledRead<TArgs, TResult> _admin;

    public ReadsByRole(Expression<Func<IReadRoots, TArgs, IQueryable<TResult>>> query)
    {
        _employer = new(Common.Access.Visibility.Expand(query, UserRole.Employer));
        _trainer = new(Common.Access.Visibility.Expand(query, UserRole.Trainer));
        _admin = new(Common.Access.Visibility.Expand(query, UserRole.Admin));
    }

    public CompiledRead<TArgs, TResult> For(UserRole role) => role switch
    {
        UserRole.Admin => _admin,
        UserRole.Employer => _employer,
        _ => _trainer,
    };
}
