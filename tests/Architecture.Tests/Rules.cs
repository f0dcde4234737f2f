using System.Reflection;
using System.Runtime.CompilerServices;
using NetArchTest.Rules;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>
/// The rules, written once and applied twice: to the production assemblies (the real tests) and
/// to deliberately broken types under <c>Canaries</c> (proof that each rule can fail).
/// </summary>
internal static class Rules
{
    /// <summary>Names of the types among <paramref name="types"/> that use any of the namespaces.</summary>
    public static IReadOnlyList<string> TypesDependingOn(PredicateList types, params string[] namespaces) =>
        Failing(types.ShouldNot().HaveDependencyOnAny(namespaces).GetResult());

    /// <inheritdoc cref="TypesDependingOn(PredicateList, string[])"/>
    public static IReadOnlyList<string> TypesDependingOn(Types types, params string[] namespaces) =>
        Failing(types.ShouldNot().HaveDependencyOnAny(namespaces).GetResult());

    /// <summary>Assemblies <paramref name="assembly"/> references whose name starts with any of <paramref name="prefixes"/>.</summary>
    public static IReadOnlyList<string> ReferencedAssemblies(Assembly assembly, params string[] prefixes) =>
        [.. assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))];

    /// <summary>Concrete aggregates: everything implementing <see cref="IAggregateRoot"/> but the abstract base.</summary>
    public static IReadOnlyList<Type> Aggregates(IEnumerable<Type> types) =>
        [.. types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAggregateRoot).IsAssignableFrom(t))];

    /// <summary>"Type: reason" for each aggregate that is not sealed or has a public setter (init counts).</summary>
    public static IReadOnlyList<string> AggregateViolations(IEnumerable<Type> aggregates)
    {
        var violations = new List<string>();
        foreach (var type in aggregates)
        {
            if (!type.IsSealed)
            {
                violations.Add($"{type.Name}: not sealed");
            }

            violations.AddRange(type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Where(p => p.SetMethod is { IsPublic: true })
                .Select(p => $"{type.Name}.{p.Name}: public setter"));
            violations.AddRange(type.GetFields(BindingFlags.Public | BindingFlags.Instance)
                .Where(f => !f.IsInitOnly)
                .Select(f => $"{type.Name}.{f.Name}: public mutable field"));
        }

        return violations;
    }

    /// <summary>Classes implementing a Mediator handler interface (command, query, request, notification, stream).</summary>
    public static IReadOnlyList<Type> Handlers(IEnumerable<Type> types) =>
        [.. types.Where(t => t is { IsClass: true, IsAbstract: false }
            && t.Namespace != "Mediator"
            && !t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false)
            && t.GetInterfaces().Any(IsMediatorHandlerInterface))];

    public static IReadOnlyList<string> UnsealedHandlers(IEnumerable<Type> handlers) =>
        [.. handlers.Where(t => !t.IsSealed).Select(t => t.FullName!)];

    public static IReadOnlyList<Type> DomainEvents(IEnumerable<Type> types) =>
        [.. types.Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDomainEvent).IsAssignableFrom(t))];

    /// <summary>"Type: reason" for each event that is not a record or whose name is neither past tense ("...ed") nor an accepted exception.</summary>
    public static IReadOnlyList<string> EventViolations(IEnumerable<Type> events, IReadOnlySet<string> pastTenseExceptions)
    {
        var violations = new List<string>();
        foreach (var type in events)
        {
            if (!IsRecord(type))
            {
                violations.Add($"{type.Name}: not a record");
            }

            if (!type.Name.EndsWith("ed", StringComparison.Ordinal) && !pastTenseExceptions.Contains(type.Name))
            {
                violations.Add($"{type.Name}: not named in the past tense");
            }
        }

        return violations;
    }

    /// <summary>
    /// "Type: reason" for each command or query whose name, or whose handler's name, breaks the naming:
    /// a command is <c>&lt;Name&gt;Command</c>, a query <c>&lt;Name&gt;Query</c>, and each has exactly one
    /// handler, <c>&lt;Name&gt;Handler</c>, so "go to definition" on the message finds the code that runs.
    /// </summary>
    public static IReadOnlyList<string> MessageNamingViolations(IEnumerable<Type> types)
    {
        var all = types.ToList();
        var handlers = Handlers(all);
        var violations = new List<string>();
        foreach (var (message, kind) in Messages(all))
        {
            if (kind == "Request")
            {
                violations.Add($"{message.Name}: a plain request; a message is a command or a query");
                continue;
            }

            if (!message.Name.EndsWith(kind, StringComparison.Ordinal))
            {
                violations.Add($"{message.Name}: a {kind.ToLowerInvariant()} is named <Name>{kind}");
            }

            var expected = $"{(message.Name.EndsWith(kind, StringComparison.Ordinal) ? message.Name[..^kind.Length] : message.Name)}Handler";
            var mine = handlers.Where(h => HandledMessages(h).Contains(message)).ToList();
            if (mine.Count != 1)
            {
                violations.Add($"{message.Name}: {mine.Count} handlers, expected one named {expected}");
            }

            violations.AddRange(mine.Where(h => h.Name != expected).Select(h => $"{h.Name}: handles {message.Name}, so it must be named {expected}"));
        }

        return violations;
    }

    /// <summary>The compiler gives every record (class or struct) a synthesized <c>PrintMembers</c> and an equality contract or <c>&lt;Clone&gt;$</c>.</summary>
    public static bool IsRecord(Type type) =>
        type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null
        && (type.GetMethod("<Clone>$") is not null || type.IsValueType);

    private static IReadOnlyList<string> Failing(TestResult result) =>
        result.IsSuccessful ? [] : [.. result.FailingTypeNames ?? []];

    private static bool IsMediatorHandlerInterface(Type type) =>
        type.Namespace == "Mediator" && type.Name.Contains("Handler", StringComparison.Ordinal);

    /// <summary>The Mediator messages among <paramref name="types"/>, each with its kind: "Command", "Query" or "Request".</summary>
    public static IReadOnlyList<(Type Message, string Kind)> Messages(IEnumerable<Type> types) =>
        [.. types.Where(t => t is { IsAbstract: false, IsInterface: false } && t.Namespace != "Mediator")
            .Select(t => (Message: t, Kind: MessageKind(t)))
            .Where(m => m.Kind is not null)
            .Select(m => (m.Message, m.Kind!))];

    /// <summary>
    /// "Command" or "Query" for a Mediator message (stream ones included), "Request" for a plain request, null otherwise.
    /// A process command (<see cref="Application.Common.IProcessCommand{TResponse}"/>: a request the unit-of-work
    /// behaviour does not wrap, because its process commits each step itself) is a command.
    /// </summary>
    private static string? MessageKind(Type type)
    {
        if (type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(Application.Common.IProcessCommand<>)))
        {
            return "Command";
        }

        var names = type.GetInterfaces().Where(i => i.Namespace == "Mediator" && !IsMediatorHandlerInterface(i)).Select(i => i.Name).ToList();
        return names.Any(n => n.Contains("Command", StringComparison.Ordinal)) ? "Command"
            : names.Any(n => n.Contains("Query", StringComparison.Ordinal)) ? "Query"
            : names.Any(n => n.Contains("Request", StringComparison.Ordinal)) ? "Request"
            : null;
    }

    private static IEnumerable<Type> HandledMessages(Type handler) =>
        handler.GetInterfaces().Where(i => i.IsGenericType && IsMediatorHandlerInterface(i)).Select(i => i.GetGenericArguments()[0]);
}
