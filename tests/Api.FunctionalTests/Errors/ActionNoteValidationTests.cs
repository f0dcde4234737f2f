using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>The trainer's submission note and the employer's reason for changes.</summary>
public sealed class ActionNoteValidationTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    [Theory]
    [InlineData("{\"note\":\"Done\\u0000\"}")]
    [InlineData("{\"note\":\"Done\\u001b[0m\"}")]
    [InlineData("{\"note\":\"" + "2001" + "\"}")]
    public async Task Submit_WhenNoteIsInvalid_Answers400NamingNoteAndChangesNothing(string body)
    {
        body = body.Replace("\"2001\"", MilestoneInputCases.Text(2001), StringComparison.Ordinal);
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/milestones/{fixture.World.FundedMilestoneId}/submit", fixture.World.Trainer, body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "note");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }

    [Theory]
    [InlineData("{\"reason\":\"\"}")]
    [InlineData("{\"reason\":\"  \"}")]
    [InlineData("{\"reason\":\"Redo\\u0000\"}")]
    [InlineData("{\"reason\":\"" + "10000" + "\"}")]
    public async Task RequestChanges_WhenReasonIsInvalid_Answers400NamingReasonAndChangesNothing(string body)
    {
        body = body.Replace("\"10000\"", MilestoneInputCases.Text(10_000), StringComparison.Ordinal);
        var before = await fixture.Factory.SnapshotAsync();

        var response = await fixture.Api.SendRawAsync(HttpMethod.Post, $"/api/v1/milestones/{fixture.World.FundedMilestoneId}/request-changes", fixture.World.Employer, body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed", "reason");
        Assert.Equal(before, await fixture.Factory.SnapshotAsync());
    }
}
