using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.SqlServer;

/// <summary>
/// The idempotency clean-up as SQL Server receives it, where no server runs: the statement EF Core builds
/// for <see cref="IdempotencyStore.PurgeExpiredAsync"/> is captured (the connection is never opened) and
/// parsed by ScriptDom. It must be one bounded DELETE, not a delete of every expired row at once.
/// </summary>
public sealed class IdempotencyPurgeOnSqlServerTests
{
    [Fact]
    public async Task PurgeExpiredAsync_OnSqlServer_SendsOneBoundedDeleteThatParses()
    {
        var capture = new Capture();
        var services = new ServiceCollection();
        services.AddDbContext<AppDbContext, SqlServerAppDbContext>(options => options
            .UseSqlServer("Server=127.0.0.1,1;Database=OpenTrain;User Id=sa;Password=unused-Passw0rd;TrustServerCertificate=True")
            .AddInterceptors(capture, new NeverOpen()));
        await using var provider = services.BuildServiceProvider();
        var store = new IdempotencyStore(provider.GetRequiredService<IServiceScopeFactory>(), new FakeTimeProvider(Moments.Now));

        Assert.Equal(0, await store.PurgeExpiredAsync(CancellationToken.None));

        var sql = Assert.Single(capture.Statements);
        var script = SqlServerScript.Parse(sql, out var errors);
        Assert.True(errors.Count == 0, SqlServerScript.Describe(sql, errors));
        var delete = Assert.IsType<Microsoft.SqlServer.TransactSql.ScriptDom.DeleteStatement>(Assert.Single(Assert.Single(script.Batches).Statements));
        Assert.NotNull(delete.DeleteSpecification.TopRowFilter);
        Assert.Contains(IdempotencyStore.PurgeBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), sql + string.Join(",", capture.Parameters), StringComparison.Ordinal);
    }

    private sealed class Capture : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Statements { get; } = new();

        public ConcurrentQueue<string> Parameters { get; } = new();

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Statements.Enqueue(command.CommandText);
            foreach (DbParameter parameter in command.Parameters)
            {
                Parameters.Enqueue(Convert.ToString(parameter.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            }

            return ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(0));
        }
    }

    private sealed class NeverOpen : DbConnectionInterceptor
    {
        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult.Suppress());
    }
}
