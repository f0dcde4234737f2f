using System.Net;
using System.Text;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>Problems that say what to do next, and request bodies that cannot mean two things.</summary>
public sealed class ActionableMessageTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    [Theory]
    [InlineData(null, "missing")]
    [InlineData("Basic YWRhOnNlY3JldA==", "malformed")]
    [InlineData("Bearer not.a.jwt", "malformed")]
    [InlineData("expired", "expired")]
    public async Task Request_WhenTheTokenIsNotAccepted_Answers401SayingWhy(string? authorization, string why)
    {
        var header = authorization == "expired"
            ? "Bearer " + Tokens.Create(Guid.NewGuid().ToString(), "employer", notBefore: DateTime.UtcNow.AddHours(-3), expires: DateTime.UtcNow.AddHours(-1))
            : authorization;

        var response = await fixture.Api.SendWithAuthorizationAsync(HttpMethod.Get, "/api/v1/jobs", header);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(why, problem.Get("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_WhenTheCallerIsATrainer_Answers403NamingTheRoleThatMay()
    {
        var response = await fixture.Api.PostAsync($"/api/v1/milestones/{fixture.World.FundedMilestoneId}/approve", fixture.World.Trainer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("Only an employer may do this; your token's role is trainer.", problem.Get("detail").GetString());
    }

    [Fact]
    public async Task CreateJob_WhenTheBodyIsNotJson_Answers415NamingTheContentType()
    {
        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, "/api/v1/jobs", fixture.World.Employer, "title=Labelling", "text/plain");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("Content-Type: application/json", problem.Get("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("text/plain", problem.Get("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMilestone_WhenTheAmountIsADecimalString_SaysIntegerMinorUnits()
    {
        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/contracts/{fixture.World.ContractId}/milestones", fixture.World.Employer, "{\"description\":\"Pairs\",\"amount\":\"500.00\"}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request", "amount");
        Assert.Contains("integer number of minor units (50000 = $500.00)", problem.Get("errors.amount")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateJob_WhenAMemberIsGivenTwice_Answers400AndWritesNothing()
    {
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, "/api/v1/jobs", fixture.World.Employer, "{\"title\":\"Labelling\",\"title\":\"Something else\"}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request", "title");
        Assert.Contains("more than once", problem.Get("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Theory]
    [InlineData(" agency")]
    [InlineData("agency ")]
    [InlineData("Agency")]
    [InlineData("agency, recruiting")]
    public async Task Subscribe_WhenThePlanIsNotExactlyAName_Answers400ListingTheNames(string plan)
    {
        var body = Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { plan }));

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, "/api/v1/billing/subscription", fixture.World.Employer, body);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request", "plan");
        Assert.Contains("must be exactly one of: none, agency, recruiting", problem.Get("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fund_WhenTheEmployerHasNoPaymentMethod_NamesTheBillingCall()
    {
        var employer = await fixture.Api.EmployerAsync(paymentMethodId: null);
        var trainer = await fixture.Api.TrainerAsync();
        var job = await fixture.Api.CreateJobAsync(employer);

        var response = await fixture.Api.HireAsync(employer, job, trainer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "payment_method_required");
        Assert.Contains("POST /api/v1/billing/payment-methods", problem.Get("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fund_WhenTheCardIsDeclined_SaysToAddAnotherPaymentMethodAndFundAgain()
    {
        var employer = await fixture.Api.EmployerAsync(paymentMethodId: "pm_card_chargeDeclined");
        var trainer = await fixture.Api.TrainerAsync();
        var job = await fixture.Api.CreateJobAsync(employer);

        var response = await fixture.Api.HireAsync(employer, job, trainer);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.PaymentRequired, "card_declined");
        var detail = problem.Get("detail").GetString();
        Assert.Contains("Add another payment method (POST /api/v1/billing/payment-methods)", detail, StringComparison.Ordinal);
        Assert.Contains($"POST /api/v1/milestones/{problem.Get("milestoneId").GetGuid()}/fund", detail, StringComparison.Ordinal);
    }
}
