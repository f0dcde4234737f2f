using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenTrain.Clean.TestSupport;

/// <summary>An EF Core interceptor that sees every command before it runs (reads and writes, sync and async) and lets it run.</summary>
public abstract class CommandObserver : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Observe(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Observe(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Observe(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Observe(command);
        return ValueTask.FromResult(result);
    }

    /// <summary>Called with each command before it runs; throwing fails the command as the database would.</summary>
    protected abstract void Observe(DbCommand command);
}
