using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.TestSupport.SqlServer;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>A notification's e-mail goes out after the notification is committed, and once, whatever fails on the way.</summary>
public sealed class NotificationEmailTests
{
    private const int StringTruncated = 2628;

    [Fact]
    public async Task ChangesRequested_WhileTheNotificationCannotBeSaved_SendsNoEmailUntilItIsThenSendsOne()
    {
        var saves = new FailingWrites(StringTruncated, table: "Notifications");
        var emails = new Mailbox();
        using var factory = Host(emails, saves);
        var api = factory.CreateApiClient();
        var (employer, trainer, milestone) = await SubmittedAsync(api, factory);
        saves.Remaining = 2;

        await Expect.StatusAsync(await api.PostAsync($"/api/v1/milestones/{milestone}/request-changes", employer, new { reason = "Label the remaining 40 pairs." }), HttpStatusCode.OK);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await factory.DrainOutboxAsync();
            Assert.DoesNotContain(emails.Sent, e => e.Subject == "Changes requested");
            factory.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        await factory.DrainOutboxAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await factory.DrainOutboxAsync();

        Assert.Equal(2, saves.Failed);
        var notification = await factory.QueryAsync(db => db.Set<Notification>().SingleAsync(n => n.UserId == new Domain.Common.UserId(trainer.Id) && n.Kind == NotificationKind.MilestoneChangesRequested));
        var email = Assert.Single(emails.Sent, e => e.Subject == "Changes requested");
        Assert.Equal(notification.Id.Value, email.Id);
        Assert.Equal(notification.Body, email.Body);
    }

    [Fact]
    public async Task ChangesRequested_WhenTheMailServerFailsFirst_SendsTheEmailOnceOnTheRetryAndKeepsOneNotification()
    {
        var emails = new Mailbox { FailuresLeft = 1 };
        using var factory = Host(emails, saves: null);
        var api = factory.CreateApiClient();
        var (employer, trainer, milestone) = await SubmittedAsync(api, factory);

        await Expect.StatusAsync(await api.PostAsync($"/api/v1/milestones/{milestone}/request-changes", employer, new { reason = "Label the remaining 40 pairs." }), HttpStatusCode.OK);
        await factory.DrainOutboxAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await factory.DrainOutboxAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await factory.DrainOutboxAsync();

        Assert.Equal(0, emails.FailuresLeft);
        Assert.Single(emails.Sent, e => e.Subject == "Changes requested");
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<Notification>().CountAsync(n => n.UserId == new Domain.Common.UserId(trainer.Id) && n.Kind == NotificationKind.MilestoneChangesRequested)));
    }

    private static async Task<(Actor Employer, Actor Trainer, Guid Milestone)> SubmittedAsync(ApiClient api, ApiFactory factory)
    {
        var employer = await api.EmployerAsync();
        var trainer = await api.TrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        await Expect.StatusAsync(await api.PostAsync($"/api/v1/milestones/{hire.MilestoneId}/submit", trainer, new { note = "Delivered" }), HttpStatusCode.OK);
        await factory.DrainOutboxAsync();
        return (employer, trainer, hire.MilestoneId);
    }

    private static ApiFactory Host(Mailbox emails, FailingWrites? saves) => ApiFactory.Create(new ApiHostOptions
    {
        Services = services =>
        {
            services.RemoveAll<IEmailSender>();
            services.AddSingleton<IEmailSender>(emails);
            if (saves is not null)
            {
                services.ConfigureDbContext<SqliteAppDbContext>(options => options.AddInterceptors(saves));
            }
        },
    });

    /// <summary>The mail server: records what it accepted; refuses the first <see cref="FailuresLeft"/> messages.</summary>
    private sealed class Mailbox : IEmailSender
    {
        private int _failuresLeft;

        public int FailuresLeft
        {
            get => Volatile.Read(ref _failuresLeft);
            init => _failuresLeft = value;
        }

        public ConcurrentQueue<EmailMessage> Sent { get; } = new();

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new IOException("421 Service not available, closing transmission channel");
            }

            Interlocked.Exchange(ref _failuresLeft, 0);
            Sent.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
