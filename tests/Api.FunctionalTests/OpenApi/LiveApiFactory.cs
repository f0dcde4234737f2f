using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>
/// The API as a newcomer runs it (Development, SQLite, the offline simulator, the in-process worker,
/// the real clock), listening on a real loopback port so that processes outside the test (the linters,
/// the generated TypeScript client, a browser) reach it over HTTP.
/// </summary>
public sealed class LiveApiFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "opentrain-live", Guid.NewGuid().ToString("N"));

    public LiveApiFactory() => UseKestrel(0);

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.First()
                ?? throw new InvalidOperationException("The API is not listening on a port.");
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DataDirectory", _dataDirectory);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Worker:PayoutInterval", "00:00:01");
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataDirectory))
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a late connection: the OS temp cleaner takes it.
            }
        }
    }
}
