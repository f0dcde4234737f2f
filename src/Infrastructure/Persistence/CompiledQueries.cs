using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// Turns each <see cref="CompiledRead{TArgs, TResult}"/> into an EF Core compiled query once (per
/// process; EF Core itself recompiles if a context of another model runs it): the read roots become
/// the context's no-tracking sets and each field or property of the arguments a parameter of its own.
/// Running it afterwards skips EF Core's per-query work (building the expression, hashing it for the
/// query cache, extracting the parameters); SQL generation is cached per null pattern of the parameters.
/// </summary>
internal static class CompiledQueries
{
    private static readonly ConcurrentDictionary<object, object> Singles = new(ReferenceEqualityComparer.Instance);
    private static readonly ConcurrentDictionary<object, object> Lists = new(ReferenceEqualityComparer.Instance);

    private static readonly MethodInfo SetMethod = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!;
    private static readonly MethodInfo AsNoTrackingMethod = typeof(EntityFrameworkQueryableExtensions).GetMethod(nameof(EntityFrameworkQueryableExtensions.AsNoTracking))!;
    private static readonly MethodInfo FirstOrDefaultMethod = new Func<IQueryable<object>, object?>(Queryable.FirstOrDefault).Method.GetGenericMethodDefinition();

    public static Task<TResult> FirstOrDefaultAsync<TArgs, TResult>(DbContext context, CompiledRead<TArgs, TResult> read, TArgs args, CancellationToken cancellationToken)
        where TArgs : struct =>
        ((Func<DbContext, TArgs, CancellationToken, Task<TResult>>)Singles.GetOrAdd(read, static r => CompileSingle((CompiledRead<TArgs, TResult>)r)))(context, args, cancellationToken);

    public static async Task<List<TResult>> ToListAsync<TArgs, TResult>(DbContext context, CompiledRead<TArgs, TResult> read, TArgs args, CancellationToken cancellationToken)
        where TArgs : struct
    {
        var query = (Func<DbContext, TArgs, IAsyncEnumerable<TResult>>)Lists.GetOrAdd(read, static r => CompileList((CompiledRead<TArgs, TResult>)r));
        var rows = new List<TResult>();
        await foreach (var row in query(context, args).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static Func<DbContext, TArgs, CancellationToken, Task<TResult>> CompileSingle<TArgs, TResult>(CompiledRead<TArgs, TResult> read)
        where TArgs : struct
    {
        var (context, parameters, body) = Rewrite(read);
        var cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var first = Expression.Call(FirstOrDefaultMethod.MakeGenericMethod(typeof(TResult)), body);
        var lambda = Expression.Lambda(first, [context, .. parameters, cancellation]);
        var compiled = CompileWithEf(lambda, cancellationLast: true);
        return Invoker<Func<DbContext, TArgs, CancellationToken, Task<TResult>>, TArgs>(compiled, withCancellation: true);
    }

    private static Func<DbContext, TArgs, IAsyncEnumerable<TResult>> CompileList<TArgs, TResult>(CompiledRead<TArgs, TResult> read)
        where TArgs : struct
    {
        var (context, parameters, body) = Rewrite(read);
        var lambda = Expression.Lambda(body, [context, .. parameters]);
        var compiled = CompileWithEf(lambda, cancellationLast: false);
        return Invoker<Func<DbContext, TArgs, IAsyncEnumerable<TResult>>, TArgs>(compiled, withCancellation: false);
    }

    /// <summary>(roots, args) => query  becomes  (context, p1, …, pn) => query over the context's sets.</summary>
    private static (ParameterExpression Context, ParameterExpression[] Parameters, Expression Body) Rewrite<TArgs, TResult>(CompiledRead<TArgs, TResult> read)
        where TArgs : struct
    {
        var context = Expression.Parameter(typeof(DbContext), "context");
        var members = Members(typeof(TArgs));
        var parameters = members.Select(m => Expression.Parameter(m is PropertyInfo p ? p.PropertyType : ((FieldInfo)m).FieldType, m.Name)).ToArray();
        var body = new RootsAndArguments(read.Query.Parameters[0], read.Query.Parameters[1], context, members, parameters).Visit(read.Query.Body);
        return (context, parameters, body);
    }

    private static MemberInfo[] Members(Type args)
    {
        var properties = args.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        return properties.Length > 0
            ? [.. properties.OrderBy(p => p.MetadataToken)]
            : [.. args.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.MetadataToken)];
    }

    /// <summary>EF.CompileAsyncQuery's overload for this many parameters (and, for a single result, a cancellation token last).</summary>
    private static Delegate CompileWithEf(LambdaExpression lambda, bool cancellationLast)
    {
        var types = lambda.Parameters.Select(p => p.Type).Append(lambda.Body.Type).ToArray();
        var genericArguments = cancellationLast ? types.Where(t => t != typeof(CancellationToken)).ToArray() : types;
        if (!cancellationLast)
        {
            // The IQueryable<T> overload takes T as its last type argument.
            genericArguments[^1] = lambda.Body.Type.GetGenericArguments()[0];
        }

        var method = typeof(EF).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == nameof(EF.CompileAsyncQuery) && m.GetGenericArguments().Length == genericArguments.Length)
            .Select(m => m.MakeGenericMethod(genericArguments))
            .Single(m => m.GetParameters()[0].ParameterType == typeof(Expression<>).MakeGenericType(lambda.Type));
        return (Delegate)method.Invoke(null, [lambda])!;
    }

    /// <summary>(context, args[, cancellationToken]) => compiled(context, args.P1, …, args.Pn[, cancellationToken]).</summary>
    private static TInvoker Invoker<TInvoker, TArgs>(Delegate compiled, bool withCancellation)
    {
        var context = Expression.Parameter(typeof(DbContext), "context");
        var args = Expression.Parameter(typeof(TArgs), "args");
        var cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        List<Expression> arguments = [context, .. Members(typeof(TArgs)).Select(m => Expression.MakeMemberAccess(args, m))];
        List<ParameterExpression> parameters = [context, args];
        if (withCancellation)
        {
            arguments.Add(cancellation);
            parameters.Add(cancellation);
        }

        return Expression.Lambda<TInvoker>(Expression.Invoke(Expression.Constant(compiled), arguments), parameters).Compile();
    }

    private sealed class RootsAndArguments(
        ParameterExpression roots,
        ParameterExpression args,
        ParameterExpression context,
        MemberInfo[] members,
        ParameterExpression[] parameters) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Object == roots && node.Method.Name == nameof(IReadRoots.Set))
            {
                var row = node.Method.GetGenericArguments()[0];
                return Expression.Call(AsNoTrackingMethod.MakeGenericMethod(row), Expression.Call(context, SetMethod.MakeGenericMethod(row)));
            }

            return node.Object == roots
                ? throw new NotSupportedException($"IReadRoots.{node.Method.Name} must be expanded before the read is compiled (ReadsByRole).")
                : base.VisitMethodCall(node);
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression == args)
            {
                return parameters[Array.FindIndex(members, m => m.Name == node.Member.Name)];
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitParameter(ParameterExpression node) =>
            node == roots || node == args
                ? throw new NotSupportedException("A compiled read may use its roots' sets and its arguments' members only.")
                : base.VisitParameter(node);
    }
}
