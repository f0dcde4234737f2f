using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Application.Abstractions;

/// <summary>
/// Reacts to a domain event after the change that raised it has committed (delivered from the
/// outbox, at least once). <see cref="EventContext.EventId"/> is stable across redeliveries, so a
/// handler can make its effect happen once.
/// </summary>
public interface IDomainEventHandler<in TEvent>
    where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent domainEvent, EventContext context, CancellationToken cancellationToken);
}

public sealed record EventContext(Guid EventId, int Attempt);

/// <summary>Outgoing e-mail: SMTP when configured, the log otherwise.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <param name="Id">Makes the Message-ID: the same e-mail sent twice is recognisably one.</param>
public sealed record EmailMessage(string To, string Subject, string Body, Guid? Id = null);
