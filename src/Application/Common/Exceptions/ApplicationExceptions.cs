namespace OpenTrain.Clean.Application.Common.Exceptions;

/// <summary>The resource does not exist, or is somebody else's: both answer 404.</summary>
public sealed class NotFoundException(string resource, object id)
    : Exception($"{resource} {id} was not found.")
{
    public string Resource { get; } = resource;
}

/// <summary>The caller's role may not do this at all (a trainer funding, an employer submitting).</summary>
public sealed class ForbiddenException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Somebody else changed the same aggregate between our read and our write.</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A request is valid in shape but names something that cannot be used (an unknown trainer).</summary>
public sealed class UnprocessableException(string code, string message, string? field = null) : Exception(message)
{
    public string Code { get; } = code;

    public string? Field { get; } = field;
}

/// <summary>The provider declined the charge; answered with 402 and the decline code.</summary>
public sealed class PaymentDeclinedException(string code, string message, IReadOnlyDictionary<string, object?> details) : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?> Details { get; } = details;
}

/// <summary>
/// The database could not take the request just now (unreachable, failing over, out of resources):
/// answered 503 with Retry-After and a plain sentence; the detail goes to the logs.
/// </summary>
public sealed class ServiceUnavailableException(string message, TimeSpan retryAfter, Exception? inner = null) : Exception(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
