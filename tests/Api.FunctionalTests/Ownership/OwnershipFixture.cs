using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Ownership;

/// <summary>
/// Two pairs on one API: <see cref="Owners"/> (the employer and trainer whose things are probed) and
/// <see cref="Others"/>, an employer and a trainer with a contract of their own.
/// </summary>
public sealed class OwnershipFixture : IAsyncLifetime, IDisposable
{
    public ApiFactory Factory { get; } = new();

    public ApiClient Api { get; private set; } = null!;

    public ContractWorld Owners { get; private set; } = null!;

    public ContractWorld Others { get; private set; } = null!;

    /// <summary>The database right after seeding: nobody's probe may change it.</summary>
    public StateSnapshot Seeded { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = Factory.CreateApiClient();
        Owners = await Api.ContractWorldAsync();
        Others = await Api.ContractWorldAsync();
        Seeded = await Factory.SnapshotAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Factory.Dispose();
}
