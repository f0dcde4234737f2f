namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>
/// One API per test class with one <see cref="ContractWorld"/> in it, for tests that send refused
/// requests against existing resources and check that nothing changed.
/// </summary>
public sealed class SeededContractFixture : IAsyncLifetime, IDisposable
{
    public ApiFactory Factory { get; } = new();

    public ApiClient Api { get; private set; } = null!;

    public ContractWorld World { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = Factory.CreateApiClient();
        World = await Api.ContractWorldAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Factory.Dispose();
}
