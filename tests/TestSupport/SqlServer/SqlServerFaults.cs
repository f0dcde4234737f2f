using System.Data.Common;
using System.Reflection;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenTrain.Clean.TestSupport.SqlServer;

/// <summary>
/// SQL Server's own errors where no server runs: a genuine <see cref="SqlException"/> carrying the
/// error number SQL Server sends (SqlClient builds them only internally, hence reflection).
/// </summary>
public static class SqlServerErrors
{
    public const int Deadlock = 1205;
    public const int LockTimeout = 1222;

    public static SqlException Create(int number, string message = "Transaction (Process ID 57) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.")
    {
        var error = (SqlError)Construct(typeof(SqlError), number, message);
        var errors = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        typeof(SqlErrorCollection).GetMethod("Add", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(SqlError)])!.Invoke(errors, [error]);
        var create = typeof(SqlException).GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
            .Where(m => m.Name == "CreateException")
            .OrderBy(m => m.GetParameters().Length)
            .First(m => m.GetParameters()[0].ParameterType == typeof(SqlErrorCollection));
        return (SqlException)create.Invoke(null, create.GetParameters().Select((p, i) => i == 0 ? errors : Default(p.ParameterType, "16.0.0.0")).ToArray())!;
    }

    /// <summary>SqlError's widest constructor: number, state, class (13 = a deadlock's severity), server, message, procedure, line…</summary>
    private static object Construct(Type type, int number, string message)
    {
        var constructor = type.GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic).OrderByDescending(c => c.GetParameters().Length).First();
        var ints = 0;
        var strings = 0;
        var arguments = constructor.GetParameters().Select(p =>
        {
            if (p.ParameterType == typeof(int))
            {
                return (object)(ints++ == 0 ? number : 0);
            }

            if (p.ParameterType == typeof(byte))
            {
                return (byte)13;
            }

            if (p.ParameterType == typeof(string))
            {
                return strings++ switch { 0 => "sqlserver", 1 => message, _ => string.Empty };
            }

            return Default(p.ParameterType, null);
        }).ToArray();
        return constructor.Invoke(arguments);
    }

    private static object? Default(Type type, string? text) =>
        type == typeof(string) ? text : type.IsValueType ? Activator.CreateInstance(type) : null;
}

/// <summary>
/// Fails the next <see cref="Remaining"/> writes (INSERT, UPDATE, DELETE, MERGE; to <paramref name="table"/>
/// only, when given) with a SQL Server error, then lets them through.
/// </summary>
public sealed class FailingWrites(int number, string? table = null) : CommandObserver
{
    private int _remaining;

    /// <summary>How many writes still fail; set it to arm the fault.</summary>
    public int Remaining
    {
        get => Volatile.Read(ref _remaining);
        set => Volatile.Write(ref _remaining, value);
    }

    public int Failed { get; private set; }

    protected override void Observe(DbCommand command)
    {
        var text = command.CommandText.TrimStart();
        var write = text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("MERGE", StringComparison.OrdinalIgnoreCase);
        if (write && (table is null || text.Contains($"\"{table}\"", StringComparison.Ordinal)) && TryTakeOne())
        {
            Failed++;
            throw SqlServerErrors.Create(number);
        }
    }

    private bool TryTakeOne()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }
}
