using NetArchTest.Rules;

namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>
/// References point inward only. Each rule is checked twice: by type dependencies (NetArchTest, which
/// sees what the IL uses) and by the assembly's reference table (which also catches types outside
/// our namespaces, such as the Api's global <c>Program</c>).
/// How a rule was checked to fail: <see cref="RuleCanaryTests"/> runs the very same rule methods and
/// forbidden lists on types that break them (e.g. <c>Canaries.UsesMediator</c>, a class with a
/// <c>Mediator.Unit</c> property, is reported by the domain rule), on every run, without touching src/.
/// </summary>
public sealed class LayerDependencyTests
{
    /// <summary>Namespaces of packages the domain must never see.</summary>
    public static readonly string[] PackagesForbiddenInDomain =
    [
        "Mediator", "FluentValidation", "Microsoft.EntityFrameworkCore", "Stripe", "Microsoft.Extensions", "Riok",
        "Quartz", "Microsoft.AspNetCore", "Microsoft.Data", "UglyToad",
    ];

    public static readonly string[] PackagesForbiddenInApplication =
    [
        "Microsoft.EntityFrameworkCore", "Stripe", "Quartz", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite", "Microsoft.Data.SqlClient",
    ];

    /// <summary>
    /// What a composition root must not touch: it reaches the database only through Application's
    /// ports and Infrastructure's own extension methods (AddInfrastructure, its health checks and
    /// database initializer), so no DbContext, repository, outbox row or EF query appears in it.
    /// </summary>
    public static readonly string[] PersistenceNamespaces =
    [
        Layers.InfrastructureNamespace + ".Persistence", "Microsoft.EntityFrameworkCore", "Microsoft.Data",
    ];

    [Theory]
    [InlineData(Layers.ApiNamespace)]
    [InlineData(Layers.WorkerNamespace)]
    public void CompositionRoot_WhenInspected_DoesNotUseInfrastructurePersistence(string root)
    {
        var assembly = Layers.All.Single(a => a.GetName().Name == root);

        Assert.Empty(Rules.TypesDependingOn(Types.InAssembly(assembly), PersistenceNamespaces));
    }

    [Fact]
    public void Domain_WhenInspected_DependsOnNoOtherProjectOrPackage()
    {
        var projects = Rules.TypesDependingOn(
            Types.InAssembly(Layers.Domain),
            Layers.ApplicationNamespace, Layers.InfrastructureNamespace, Layers.ApiNamespace, Layers.WorkerNamespace);
        var packages = Rules.TypesDependingOn(Types.InAssembly(Layers.Domain), PackagesForbiddenInDomain);

        Assert.Empty(projects);
        Assert.Empty(packages);
    }

    [Fact]
    public void Domain_WhenItsReferencesAreListed_ReferencesTheBaseClassLibraryOnly()
    {
        var references = Layers.Domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(
            name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"The domain references {name}; it may reference the BCL only."));
    }

    [Fact]
    public void Application_WhenInspected_DependsOnDomainAsItsOnlyProject()
    {
        var projects = Rules.TypesDependingOn(
            Types.InAssembly(Layers.Application),
            Layers.InfrastructureNamespace, Layers.ApiNamespace, Layers.WorkerNamespace);
        var references = Rules.ReferencedAssemblies(Layers.Application, "OpenTrain.");

        Assert.Empty(projects);
        Assert.Equal(["OpenTrain.Clean.Domain"], references);
    }

    [Fact]
    public void Application_WhenInspected_DependsOnNoPersistencePaymentSchedulingOrWebPackage()
    {
        var types = Rules.TypesDependingOn(Types.InAssembly(Layers.Application), PackagesForbiddenInApplication);
        var references = Rules.ReferencedAssemblies(Layers.Application, "Microsoft.EntityFrameworkCore", "Stripe", "Quartz", "Microsoft.AspNetCore", "Microsoft.Data");

        Assert.Empty(types);
        Assert.Empty(references);
    }

    [Fact]
    public void Infrastructure_WhenInspected_DoesNotDependOnApiOrWorker()
    {
        var types = Rules.TypesDependingOn(Types.InAssembly(Layers.Infrastructure), Layers.ApiNamespace, Layers.WorkerNamespace);
        var references = Rules.ReferencedAssemblies(Layers.Infrastructure, "OpenTrain.Clean.Api", "OpenTrain.Clean.Worker");

        Assert.Empty(types);
        Assert.Empty(references);
    }

    [Fact]
    public void CompositionRoots_WhenOtherAssembliesAreInspected_AreReferencedByNone()
    {
        var offenders = new List<string>();
        foreach (var assembly in Layers.All)
        {
            var name = assembly.GetName().Name!;
            var forbidden = new[] { "OpenTrain.Clean.Api", "OpenTrain.Clean.Worker" }.Where(root => root != name).ToArray();
            offenders.AddRange(Rules.ReferencedAssemblies(assembly, forbidden).Select(reference => $"{name} -> {reference}"));
            offenders.AddRange(Rules.TypesDependingOn(Types.InAssembly(assembly), [.. forbidden.Where(root => !name.StartsWith(root, StringComparison.Ordinal))])
                .Select(type => $"{type} uses a composition root"));
        }

        Assert.Empty(offenders);
    }
}
