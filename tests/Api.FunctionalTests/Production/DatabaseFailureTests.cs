using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Resilience;
using OpenTrain.Clean.TestSupport.SqlServer;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>What a caller gets when the database is unreachable or busy: 503 with Retry-After or 409, a plain sentence, never a 500.</summary>
public sealed class DatabaseFailureTests
{
    [Fact]
    public async Task Requests_WhenSqlServerCannotBeReached_Answer503WithRetryAfterAndAPlainSentence()
    {
        using var factory = ApiFactory.Create(new ApiHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "SqlServer",
                ["Database:MigrateOnStartup"] = "false",
                ["ConnectionStrings:OpenTrain"] = $"Server=tcp:127.0.0.1,{HostProcess.FreePort()};Database=OpenTrain;User Id=sa;Password=unused-Passw0rd;TrustServerCertificate=True;Connect Timeout=2",
            },
        });
        var api = factory.CreateApiClient();
        var employer = await api.TokenAsync("employer");

        foreach (var response in new[]
        {
            await api.GetAsync("/api/v1/jobs", employer),
            await api.PostAsync("/api/v1/jobs", employer, new { title = "Preference pairs" }),
        })
        {
            var problem = await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.Equal(DatabaseFailures.UnavailableMessage, problem.Str("detail"));
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 carries Retry-After");
            Assert.DoesNotContain("SqlException", problem.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains(factory.Logs.Lines, line => line.Contains("network-related", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task CreateJob_WhenItsSaveIsADeadlockVictimOnce_IsSavedOnTheRetryAndAnswers201()
    {
        var faults = new FailingWrites(SqlServerErrors.Deadlock);
        using var factory = WithFaults(faults);
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync(paymentMethodId: null);
        faults.Remaining = 1;

        var response = await api.PostAsync("/api/v1/jobs", employer, new { title = "Deadlocked once" });

        await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(1, faults.Failed);
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<Job>().CountAsync(j => j.Title == "Deadlocked once")));
    }

    [Fact]
    public async Task CreateJob_WhenEverySaveIsADeadlockVictim_Answers409ConcurrencyConflictAndWritesNothing()
    {
        var faults = new FailingWrites(SqlServerErrors.Deadlock);
        using var factory = WithFaults(faults);
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync(paymentMethodId: null);
        faults.Remaining = int.MaxValue;

        var response = await api.PostAsync("/api/v1/jobs", employer, new { title = "Always deadlocked" });

        await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "concurrency_conflict");
        faults.Remaining = 0;
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<Job>().CountAsync(j => j.Title == "Always deadlocked")));
    }

    private static ApiFactory WithFaults(FailingWrites faults) => ApiFactory.Create(new ApiHostOptions
    {
        Services = services => services.ConfigureDbContext<SqliteAppDbContext>(options => options.AddInterceptors(faults)),
    });
}
