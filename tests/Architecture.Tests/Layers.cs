using System.Reflection;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>The five production assemblies, loaded by name where no public type is handy.</summary>
internal static class Layers
{
    public const string DomainNamespace = "OpenTrain.Clean.Domain";
    public const string ApplicationNamespace = "OpenTrain.Clean.Application";
    public const string InfrastructureNamespace = "OpenTrain.Clean.Infrastructure";
    public const string ApiNamespace = "OpenTrain.Clean.Api";
    public const string WorkerNamespace = "OpenTrain.Clean.Worker";

    public static Assembly Domain { get; } = typeof(IAggregateRoot).Assembly;

    public static Assembly Application { get; } = typeof(OpenTrain.Clean.Application.DependencyInjection).Assembly;

    public static Assembly Infrastructure { get; } = typeof(OpenTrain.Clean.Infrastructure.DependencyInjection).Assembly;

    public static Assembly Api { get; } = Assembly.Load("OpenTrain.Clean.Api");

    public static Assembly Worker { get; } = Assembly.Load("OpenTrain.Clean.Worker");

    public static IEnumerable<Assembly> All => [Domain, Application, Infrastructure, Api, Worker];
}
