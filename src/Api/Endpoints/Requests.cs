using OpenTrain.Clean.Application.Milestones;

namespace OpenTrain.Clean.Api.Endpoints;

/// <summary>A new job.</summary>
/// <param name="Title" example="Label 5,000 RLHF preference pairs">The project name printed on invoices.</param>
/// <param name="Description" example="Pairwise preference labelling for a coding assistant.">Optional details.</param>
public sealed record CreateJobRequest(string Title, string? Description = null);

/// <summary>Hire a trainer: the first milestone is created and funded at once.</summary>
/// <param name="TrainerId">The trainer's user id: the <c>id</c> that the trainer's own GET /api/v1/me returns (the trainer must have called it once). Ask the trainer for it; it is not the employer's id.</param>
/// <param name="FirstMilestone">The first milestone (description, amount in cents, optional title and due date).</param>
public sealed record HireRequest(Guid TrainerId, NewMilestone FirstMilestone);

/// <summary>Changes to a milestone that is not funded yet; members left out stay as they are.</summary>
/// <param name="Title" example="Batch 1 (revised)">A new short name.</param>
/// <param name="Amount" example="60000">A new amount the trainer is owed.</param>
public sealed record UpdateMilestoneRequest(string? Title = null, string? Description = null, long? Amount = null, DateOnly? DueDate = null);

/// <summary>The trainer requests approval, optionally with a note for the employer.</summary>
/// <param name="Note" example="All 1,000 pairs are labelled; rationales are in the shared folder.">For the employer.</param>
public sealed record SubmitMilestoneRequest(string? Note = null);

/// <summary>Why the work goes back to the trainer.</summary>
/// <param name="Reason" example="Please add rationales to the last 200 pairs.">Shown to the trainer.</param>
public sealed record RequestChangesRequest(string Reason);

/// <summary>A Stripe payment method id to attach and make the default.</summary>
/// <param name="PaymentMethodId" example="pm_card_visa">From Stripe.js, or a Stripe test id on the simulator.</param>
public sealed record AttachPaymentMethodRequest(string PaymentMethodId);

/// <summary>
/// Actions that take no input accept an empty body or <c>{}</c> and refuse any member, so a
/// client cannot believe it set an amount or a status through them.
/// </summary>
public sealed record NoInput;
