using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Api.FunctionalTests.Safety;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.TestSupport.FakeStripe;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>
/// The one test host of the functional tests: the real API (<see cref="Program"/>) set up by
/// <see cref="ApiHostOptions"/>, on its own database and simulator ledger in a temp directory.
/// A test class that needs more than the defaults derives a one-line preset
/// (<c>public sealed class MyHost() : ApiFactory(new ApiHostOptions { ... })</c>) or calls <see cref="Create"/>.
/// </summary>
public partial class ApiFactory : WebApplicationFactory<Program>
{
    private bool _ownsDataDirectory = true;

    /// <summary>The defaults of <see cref="ApiHostOptions"/> (the xUnit fixture form).</summary>
    public ApiFactory()
        : this(new ApiHostOptions())
    {
    }

    protected ApiFactory(ApiHostOptions options)
        : this(options, NewDataDirectory())
    {
    }

    private ApiFactory(ApiHostOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Clock = options.Clock ?? new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Options = options with { Clock = Clock };
        DataDirectory = dataDirectory;
        Logs = new LogCapture(options.LogLevel);
        if (options.ListensOnPort)
        {
            UseKestrel(0);
        }
    }

    public ApiHostOptions Options { get; }

    /// <summary>The API's clock (shared across restarts: time goes on where it was).</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Every log line at or above <see cref="ApiHostOptions.LogLevel"/>, to prove that nothing blew up behind a 4xx.</summary>
    public LogCapture Logs { get; }

    /// <summary>Holds the SQLite file and the simulator ledger; it outlives a restart.</summary>
    public string DataDirectory { get; }

    /// <summary>The API's SQLite database file.</summary>
    public string DatabaseFile => Path.Combine(DataDirectory, "opentrain.db");

    /// <summary>The armed crash points, when the options have them; shared across restarts.</summary>
    public SafetyFaults Faults => Options.Faults ?? throw new InvalidOperationException("This host was started without ApiHostOptions.Faults.");

    public static ApiFactory Create(ApiHostOptions options) => new(options);

    /// <summary>Where a host with <see cref="ApiHostOptions.ListensOnPort"/> listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri ListeningAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("This host does not listen on a port: set ApiHostOptions.ListensOnPort.");
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    /// <summary>A client that sends requests as an integrator does (no redirects followed).</summary>
    public ApiClient CreateApiClient(Uri? baseAddress = null) =>
        new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = baseAddress ?? new Uri("http://localhost") }), this);

    /// <summary>
    /// Stops this host and starts a new one on the same database, simulator ledger, clock and options,
    /// as after a crash: whatever was committed (by us or by the provider) is there, nothing in memory is.
    /// </summary>
    public ApiFactory Restart()
    {
        var next = new ApiFactory(Options, DataDirectory);
        _ownsDataDirectory = false;
        Dispose();
        return next;
    }

    /// <summary>
    /// The one place that chooses the tests' database: SQLite on a file in this host's data directory.
    /// (To run the suite on SQL Server, return its settings here.)
    /// </summary>
    private static Dictionary<string, string?> DatabaseSettings(string dataDirectory) => new()
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:OpenTrain"] = $"Data Source={Path.Combine(dataDirectory, "opentrain.db")}",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(Options.Environment);
        foreach (var (key, value) in HostSettings())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(Options.LogLevel);
            logging.AddFilter<LogCapture>(null, Options.LogLevel);
        });
        builder.ConfigureTestServices(services =>
        {
            if (!Options.SystemClock)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            }

            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(Logs);
            if (Options.TokensFollowClock)
            {
                services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                    options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = Clock.GetUtcNow().UtcDateTime;
                        return (notBefore is null || notBefore <= now + parameters.ClockSkew) && (expires is null || expires >= now - parameters.ClockSkew);
                    });
            }

            if (Options.WrapGateway is { } wrap)
            {
                Decorate<IPaymentGateway>(services, (sp, inner) => wrap(sp, inner));
            }

            if (Options.Faults is { } faults)
            {
                SafetyFaults.Install(services, faults);
            }

            Options.Services?.Invoke(services);
        });
    }

    /// <summary>Replaces the last registration of <typeparamref name="T"/> by <paramref name="decorate"/> around it, same lifetime.</summary>
    internal static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> decorate)
        where T : class
    {
        var inner = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(inner);
        services.Add(new ServiceDescriptor(typeof(T), sp => decorate(sp, (T)Resolve(sp, inner)), inner.Lifetime));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a late connection: the OS temp cleaner takes it.
            }
        }
    }

    private IEnumerable<KeyValuePair<string, string?>> HostSettings()
    {
        var settings = DatabaseSettings(DataDirectory);
        settings["DataDirectory"] = DataDirectory;
        settings["Worker:InProcess"] = Options.InProcessJobs ? "true" : "false";
        settings["RateLimiting:Enabled"] = Options.RateLimiting ? "true" : "false";
        if (Options.StripeServer is { } stripe)
        {
            settings["Stripe:SecretKey"] = stripe.ApiKey;
            settings["Stripe:ApiBase"] = stripe.Url;
            settings["Stripe:ConnectBase"] = stripe.Url;
            settings["Stripe:WebhookSecrets:0"] = FakeStripeEvents.Secret;
            // Stripe.net's own retries would hide an adapter that sends a call twice or without our key.
            settings["Stripe:MaxNetworkRetries"] = "0";
        }

        foreach (var (key, value) in Options.Settings)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "opentrain-functional", Guid.NewGuid().ToString("N"));
}
