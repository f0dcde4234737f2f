using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Application.Common.Exceptions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// The one place where failures become RFC 9457 problem responses, each with a stable
/// <c>code</c> and the <c>traceId</c>. Anything unexpected is a 500 that reveals nothing.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception, httpContext);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }))
        {
            return true;
        }

        // The client asked for something else (text/csv, a PDF): the problem still goes out, as JSON.
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier;
        await httpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    internal static ProblemDetails ToProblem(Exception exception, HttpContext httpContext) => exception switch
    {
        ValidationException validation => ValidationProblem(validation),
        BadHttpRequestException badRequest => BadRequestProblem(badRequest, httpContext),
        NotFoundException notFound => Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", notFound.Message),
        ForbiddenException forbidden => Problem(StatusCodes.Status403Forbidden, forbidden.Code, "Forbidden", forbidden.Message),
        UnprocessableException unprocessable => WithField(
            Problem(StatusCodes.Status422UnprocessableEntity, unprocessable.Code, "Unprocessable request", unprocessable.Message), unprocessable.Field, unprocessable.Message),
        ConcurrencyConflictException conflict => Problem(StatusCodes.Status409Conflict, ProblemCodes.ConcurrencyConflict, "Concurrent change", conflict.Message),
        PaymentDeclinedException declined => WithDetails(
            Problem(StatusCodes.Status402PaymentRequired, ProblemCodes.CardDeclined, "Payment declined", declined.Message),
            declined.Details),
        PaymentMethodRejectedException rejected => WithField(
            WithDetails(Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.PaymentMethodInvalid, "Payment method not usable", SensitiveText.Redact(rejected.Message)), new Dictionary<string, object?> { ["providerCode"] = rejected.Code }),
            "paymentMethodId",
            SensitiveText.Redact(rejected.Message)),
        PaymentProviderException => Problem(StatusCodes.Status502BadGateway, ProblemCodes.PaymentProviderUnavailable, "Payment provider unavailable", "The payment provider could not be reached; try again shortly."),
        DomainException domain => DomainProblem(domain),
        _ => Problem(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError, "Internal error", "Something went wrong on our side; the traceId identifies it."),
    };

    private static ProblemDetails DomainProblem(DomainException exception)
    {
        var problem = exception.Code switch
        {
            MilestoneErrors.WrongParty => Problem(StatusCodes.Status403Forbidden, exception.Code, "Not your part to play", exception.Message),
            MilestoneErrors.AmountOutOfRange => WithField(Problem(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed, "Invalid request", exception.Message), "amount", exception.Message),
            _ => Problem(StatusCodes.Status409Conflict, exception.Code, "Not allowed in the current state", exception.Message),
        };
        return WithDetails(problem, exception.Details);
    }

    private static ProblemDetails ValidationProblem(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(e => JsonPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        var problem = Problem(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed, "Invalid request", $"{errors.Count} field(s) are invalid: {string.Join(", ", errors.Keys)}.");
        problem.Extensions["errors"] = errors;
        return problem;
    }

    private static ProblemDetails BadRequestProblem(BadHttpRequestException exception, HttpContext httpContext)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "Request body too large", exception.Message);
        }

        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, "Unsupported media type", ProblemDetailsSetup.UnsupportedMediaTypeDetail(httpContext));
        }

        var json = FindInner<JsonException>(exception);
        if (json is not null)
        {
            var (field, detail) = JsonErrors.Describe(json, httpContext);
            return WithField(Problem(StatusCodes.Status400BadRequest, ProblemCodes.MalformedRequest, "Malformed request", detail), field, detail);
        }

        var binding = FailedBinding().Match(exception.Message);
        if (binding.Success)
        {
            var parameter = binding.Groups["name"].Value;
            var detail = $"'{parameter}' has a value of the wrong shape.";
            return WithField(Problem(StatusCodes.Status400BadRequest, ProblemCodes.MalformedRequest, "Malformed request", detail), parameter, detail);
        }

        if (exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return WithField(Problem(StatusCodes.Status400BadRequest, ProblemCodes.MalformedRequest, "Malformed request", "A JSON body is required."), "body", "A JSON body is required.");
        }

        return Problem(StatusCodes.Status400BadRequest, ProblemCodes.MalformedRequest, "Malformed request", "The request could not be read.");
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>FluentValidation's <c>FirstMilestone.Amount</c> becomes the body's <c>firstMilestone.amount</c>.</summary>
    private static string JsonPath(string propertyName) =>
        string.IsNullOrEmpty(propertyName) ? "body" : string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    internal static ProblemDetails Problem(int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"urn:opentrain:problem:{code}" };
        problem.Extensions["code"] = code;
        return problem;
    }

    private static ProblemDetails WithField(ProblemDetails problem, string? field, string message)
    {
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        }

        return problem;
    }

    private static ProblemDetails WithDetails(ProblemDetails problem, IReadOnlyDictionary<string, object?> details)
    {
        foreach (var (key, value) in details)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    [System.Text.RegularExpressions.GeneratedRegex("Failed to bind parameter \"[^\"]*? (?<name>[A-Za-z0-9_]+)\" from")]
    private static partial System.Text.RegularExpressions.Regex FailedBinding();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}

internal static class ProblemDetailsSetup
{
    /// <summary>Every problem (ours, the framework's 401/404/405/415) carries a <c>code</c> and the <c>traceId</c>.</summary>
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var code = problem.Status switch
                {
                    400 => ProblemCodes.BadRequest,
                    401 => ProblemCodes.Unauthorized,
                    403 => ProblemCodes.Forbidden,
                    404 => ProblemCodes.NotFound,
                    405 => ProblemCodes.MethodNotAllowed,
                    406 => ProblemCodes.NotAcceptable,
                    409 => ProblemCodes.Conflict,
                    413 => ProblemCodes.PayloadTooLarge,
                    415 => ProblemCodes.UnsupportedMediaType,
                    429 => ProblemCodes.RateLimited,
                    _ => ProblemCodes.Error,
                };
                problem.Extensions["code"] = code;
                problem.Type ??= $"urn:opentrain:problem:{code}";
                problem.Detail ??= problem.Status switch
                {
                    401 => Authentication.DescribeChallenge(context.HttpContext),
                    403 => Authentication.DescribeForbidden(context.HttpContext),
                    404 => "There is nothing at this address, or it is not yours.",
                    405 => $"{context.HttpContext.Request.Method} is not allowed here; the OpenAPI document lists the methods of each path.",
                    415 => UnsupportedMediaTypeDetail(context.HttpContext),
                    _ => null,
                };
            }
        });
        return services;
    }

    public static string UnsupportedMediaTypeDetail(HttpContext context)
    {
        var sent = context.Request.ContentType is { Length: > 0 } type ? $"'{type}'" : "none";
        return $"This operation takes a JSON body: send it with Content-Type: application/json (the request's Content-Type was {sent}).";
    }
}
