using Microsoft.Extensions.DependencyInjection;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// The scope's pooled <see cref="AppDbContext"/>, leased from the pool when something first asks for it.
/// A request that only reads never does (its queries run on a read connection, <see cref="ReadStore"/>),
/// so it no longer leases a context and resets it on the way back; and whoever needs to know whether a
/// unit of work or a transaction is open on the scope's context can ask without leasing one.
/// </summary>
internal sealed class ScopedContext(Func<AppDbContext> lease)
{
    private AppDbContext? _context;

    public AppDbContext Context => _context ??= lease();

    /// <summary>The scope's context if it has been leased, else null (then no unit of work or transaction is open on it).</summary>
    public AppDbContext? IfLeased => _context;

    /// <summary>Puts the holder in front of the pool's registration of <see cref="AppDbContext"/>.</summary>
    public static void Register(IServiceCollection services)
    {
        var pooled = services.Last(d => d.ServiceType == typeof(AppDbContext));
        var factory = pooled.ImplementationFactory ?? throw new InvalidOperationException("AppDbContext is expected to come from the context pool.");
        services.Remove(pooled);
        services.AddScoped(sp => new ScopedContext(() => (AppDbContext)factory(sp)));
        services.AddScoped(sp => sp.GetRequiredService<ScopedContext>().Context);
    }
}
