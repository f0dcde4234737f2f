using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Domain.Users;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>
/// Everything stored fits its column on SQL Server too: the whole lifecycle, driven with the longest
/// input the API accepts (and longer claims in tokens), on a host that enforces SQL Server's column
/// lengths. Which columns must be filled to the brim is derived from the EF model: every string column,
/// except those whose values we or the provider make (and those are bounded at the domain edge).
/// </summary>
public sealed class ColumnFitTests
{
    /// <summary>Columns no caller writes into, by what makes their values.</summary>
    private static readonly Dictionary<string, string> NotFromCallers = new(StringComparer.Ordinal)
    {
        ["Invoices.Number"] = "our own INV-YYYY-NNNNNN format",
        ["InvoiceLines.Description"] = "the milestone's description (at most 2000) or \"Refund of {number}: \" before it: shorter than the column by design",
        ["InvoiceSequences.Prefix"] = "our own invoice prefixes",
        ["InvoiceDayTotals.Currency"] = "an invoice's currency, copied from Invoices.TotalCurrency in the same save",
        ["Notifications.Title"] = "our own titles (Notification.Create cuts any title to fit)",
        ["Milestones.PayoutLastError"] = "our own sentences (TransferErrors; Milestone cuts them to fit)",
        ["Milestones.LastFundingErrorCode"] = "the provider's decline code (FundingError cuts it to fit)",
        ["Milestones.LastFundingErrorMessage"] = "the provider's decline message (FundingError cuts it to fit)",
        ["Milestones.FundingClientSecret"] = "the provider's client secret",
        ["MilestoneTimeline.Action"] = "our own action names",
        ["EmployerBillingProfiles.PaymentMethodBrand"] = "the provider's card brand",
        ["EmployerBillingProfiles.PaymentMethodLast4"] = "the provider's last four digits",
        ["TrainerPayoutAccounts.RequirementsDue"] = "the provider's requirement names (JSON, no length limit)",
        ["OutboxMessages.Type"] = "our own event type names",
        ["OutboxMessages.LockedBy"] = "our dispatcher's name (OutboxDispatcher cuts it to fit)",
        ["OutboxMessages.LastError"] = "an exception's message, cut to fit by the dispatcher",
        ["IdempotencyRecords.RequestHash"] = "a SHA-256 hex digest",
        ["IdempotencyRecords.ContentType"] = "our own response content types",
        ["IdempotencyRecords.Location"] = "our own resource URLs",
        ["ProcessedWebhookEvents.Type"] = "the provider's event type names",
        ["IntegratorEvents.Type"] = "our own event catalog's names",
        ["IntegratorEvents.ResourceType"] = "our own resource names",
        ["WebhookDeliveries.EventType"] = "our own event catalog's names",
        ["WebhookEndpoints.LeasedBy"] = "our delivery dispatcher's name",
        ["WebhookEndpoints.Secret"] = "a signing secret we generate",
        ["WebhookEndpoints.PreviousSecret"] = "a signing secret we generated",
    };

    [Fact]
    public async Task Lifecycle_WithTheLongestInputEverywhere_StoresEveryValueInItsSqlServerColumn()
    {
        var lengths = new SqlServerColumnLengths();
        var emails = new RecordingEmails();
        using var factory = ApiFactory.Create(new ApiHostOptions
        {
            Services = services =>
            {
                services.ConfigureDbContext<SqliteAppDbContext>(options => options.AddInterceptors(lengths));
                services.RemoveAll<IEmailSender>();
                services.AddSingleton<IEmailSender>(emails);
            },
        });
        var api = factory.CreateApiClient();
        var statuses = new List<HttpStatusCode>();
        async Task<JsonElementBody> Send(Task<HttpResponseMessage> request, HttpStatusCode expected)
        {
            var response = await request;
            statuses.Add(response.StatusCode);
            return new JsonElementBody(await Expect.StatusAsync(response, expected));
        }

        // Tokens may claim anything: a 1,000-character name, an address longer than any address can be, the longest one that can.
        var employer = await TokenAsync(api, "employer", new string('E', 1000), LongestAddress);
        var trainer = await TokenAsync(api, "trainer", new string('T', 1000), LongestAddress);
        var admin = await TokenAsync(api, "admin", "Support", new string('s', 990) + "@example.io");
        foreach (var actor in new[] { employer, trainer, admin })
        {
            await Send(api.GetAsync("/api/v1/me", actor), HttpStatusCode.OK);
        }

        await Send(api.PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId = "pm_card_visa" }), HttpStatusCode.OK);
        var receiver = "http://127.0.0.1:9/opentrain/";
        await Send(
            api.PostAsync("/api/v1/webhook-endpoints", employer, new { url = receiver + new string('w', Domain.IntegratorEvents.WebhookEndpoint.MaxUrlLength - receiver.Length), eventTypes = new[] { "*" }, description = new string('w', Domain.IntegratorEvents.WebhookEndpoint.MaxDescriptionLength) }),
            HttpStatusCode.Created);
        await Send(api.PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }), HttpStatusCode.OK);
        var link = new Uri((await Send(api.PostAsync("/api/v1/payouts/account/onboarding-link", trainer), HttpStatusCode.OK)).Body.Str("url")!);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.PostAsync(new Uri($"{link.AbsolutePath}/complete{link.Query}", UriKind.Relative), null)).StatusCode);

        var job = (await Send(
            api.PostAsync("/api/v1/jobs", employer, new { title = new string('J', Domain.Jobs.Job.MaxTitleLength), description = new string('D', Domain.Jobs.Job.MaxDescriptionLength) }, idempotencyKey: new string('k', 255)),
            HttpStatusCode.Created)).Body.Id();
        var hire = (await Send(
            api.PostAsync($"/api/v1/jobs/{job}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { title = new string('M', Milestone.MaxTitleLength), description = new string('d', Milestone.MaxDescriptionLength), amount = 50_000 } }),
            HttpStatusCode.Created)).Body;
        var first = hire.Get("funding.milestone.id").GetGuid();
        var contract = hire.Get("contract.id").GetGuid();

        var note = new { note = new string('n', Milestone.MaxNoteLength) };
        await Send(api.PostAsync($"/api/v1/milestones/{first}/submit", trainer, note), HttpStatusCode.OK);
        await Send(api.PostAsync($"/api/v1/milestones/{first}/request-changes", employer, new { reason = new string('r', Milestone.MaxNoteLength) }), HttpStatusCode.OK);
        await Send(api.PostAsync($"/api/v1/milestones/{first}/submit", trainer, note), HttpStatusCode.OK);
        await Send(api.PostAsync($"/api/v1/milestones/{first}/approve", employer), HttpStatusCode.OK);

        var second = (await Send(
            api.PostAsync($"/api/v1/contracts/{contract}/milestones", employer, new { title = new string('S', Milestone.MaxTitleLength), description = new string('s', Milestone.MaxDescriptionLength), amount = 120_000 }),
            HttpStatusCode.Created)).Body.Id();
        await Send(api.PostAsync($"/api/v1/milestones/{second}/fund", employer), HttpStatusCode.OK);
        await Send(api.PostAsync($"/api/v1/milestones/{second}/refund", admin), HttpStatusCode.OK);

        for (var round = 0; round < 3; round++)
        {
            await factory.DrainOutboxAsync();
            await factory.RunPayoutJobAsync();
        }

        // Nothing failed: no request, no outbox message, no statement SQL Server would have refused.
        Assert.Empty(lengths.Violations);
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        var undelivered = await factory.QueryAsync(db => db.OutboxMessages.Where(m => m.Status != OutboxStatus.Processed || m.LastError != null).Select(m => m.Type + ": " + m.LastError).ToListAsync());
        Assert.Empty(undelivered);
        Assert.Equal(MilestoneStatus.Paid, (await factory.LoadMilestoneAsync(first)).Status);

        // The change request's notification quotes the whole reason: cut to fit, stored, and e-mailed once.
        var changes = await factory.QueryAsync(db => db.Set<Domain.Notifications.Notification>().SingleAsync(n => n.Kind == Domain.Notifications.NotificationKind.MilestoneChangesRequested));
        Assert.Equal(Domain.Notifications.Notification.MaxBodyLength, changes.Body.Length);
        Assert.Single(emails.Sent, e => e.Id == changes.Id.Value);

        // Every string column of the model a caller's words reach was filled to its SQL Server length, and none beyond.
        var unfilled = lengths.Columns.Values
            .Where(c => c.MaxLength is not null and < int.MaxValue && !IsMadeElsewhere(c))
            .Where(c => lengths.Longest.GetValueOrDefault((c.Table, c.Column)) != c.MaxLength)
            .Select(c => $"{c.Table}.{c.Column} ({lengths.Longest.GetValueOrDefault((c.Table, c.Column))} of {c.MaxLength})")
            .ToList();
        Assert.True(unfilled.Count == 0, "columns this test does not fill to the brim (fill them, or say in NotFromCallers why no caller can): " + string.Join(", ", unfilled));
        Assert.Equal(UserProfile.MaxNameLength, (await factory.QueryAsync(db => db.Set<UserProfile>().SingleAsync(u => u.Id == new Domain.Common.UserId(trainer.Id)))).Name.Length);
    }

    /// <summary>The longest deliverable address: a 64-character local part, '@', a 255-character domain.</summary>
    private static readonly string LongestAddress =
        $"{new string('a', 64)}@{new string('d', 63)}.{new string('d', 63)}.{new string('d', 63)}.{new string('d', 59)}.com";

    private static bool IsMadeElsewhere(SqlServerColumn column) =>
        NotFromCallers.ContainsKey($"{column.Table}.{column.Column}")
        || (Nullable.GetUnderlyingType(column.Property.ClrType) ?? column.Property.ClrType).IsEnum
        || (column.Column != "Key" && SqlServerAppDbContext.IsExternalKey(column.Column));

    private static async Task<Actor> TokenAsync(ApiClient api, string role, string name, string email)
    {
        var response = await api.Http.PostAsJsonAsync("/dev/token", new { role, name, email });
        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        return new Actor(body.Get("userId").GetGuid(), role, body.Get("accessToken").GetString()!);
    }

    private sealed record JsonElementBody(System.Text.Json.JsonElement Body);

    private sealed class RecordingEmails : IEmailSender
    {
        public ConcurrentQueue<EmailMessage> Sent { get; } = new();

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            Sent.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
