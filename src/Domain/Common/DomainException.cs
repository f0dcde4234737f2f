namespace OpenTrain.Clean.Domain.Common;

/// <summary>
/// A business rule refused an action. <see cref="Code"/> is stable and machine-readable
/// (it becomes the <c>code</c> of the problem response); <see cref="Details"/> carries the facts
/// a client needs to act on it.
/// </summary>
public class DomainException : Exception
{
    public DomainException(string code, string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(message)
    {
        Code = code;
        Details = details ?? new Dictionary<string, object?>();
    }

    public DomainException()
        : this("domain_error", "A business rule was broken.")
    {
    }

    public DomainException(string message)
        : this("domain_error", message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "domain_error";
        Details = new Dictionary<string, object?>();
    }

    public string Code { get; }

    public IReadOnlyDictionary<string, object?> Details { get; }
}
