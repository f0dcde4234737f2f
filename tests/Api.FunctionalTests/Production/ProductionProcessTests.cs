namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>
/// What an operator sees when starting the real processes: a refused start is exit code 1 and one
/// line naming the setting; SQL Server that cannot be reached is a network error, never a globalization one.
/// </summary>
public sealed class ProductionProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("Api")]
    [InlineData("Worker")]
    public async Task Start_InProductionWithoutAPaymentProvider_ExitsWith1NamingStripeSecretKey(string project)
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(project, Production(), Timeout);

        Assert.Equal(1, exitCode);
        Assert.Contains($"OpenTrain.Clean.{project} refused to start: Stripe:SecretKey is not set", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Api")]
    [InlineData("Worker")]
    public async Task Start_WithSqlServerOnAClosedPort_ReportsANetworkErrorNotAGlobalizationError(string project)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HostProcess.FreePort()}",
            ["DataDirectory"] = Path.Combine(Path.GetTempPath(), "opentrain-process", Guid.NewGuid().ToString("N")),
            ["Database__Provider"] = "SqlServer",
            ["Database__MigrateOnStartup"] = "true",
            ["ConnectionStrings__OpenTrain"] = $"Server=tcp:127.0.0.1,{HostProcess.FreePort()};Database=OpenTrain;User Id=sa;Password=unused-Passw0rd;TrustServerCertificate=True;Connect Timeout=2;ConnectRetryCount=0",
        };

        var (exitCode, output) = await HostProcess.RunToExitAsync(project, environment, Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("A network-related or instance-specific error occurred while establishing a connection to SQL Server", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Globalization Invariant Mode", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Production() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HostProcess.FreePort()}",
        ["DataDirectory"] = Path.Combine(Path.GetTempPath(), "opentrain-process", Guid.NewGuid().ToString("N")),
        ["Auth__SigningKey"] = "a-production-signing-key-that-is-not-published-0123456789",
        ["TrustedProxies__Networks__0"] = "10.0.0.0/24",
    };
}
