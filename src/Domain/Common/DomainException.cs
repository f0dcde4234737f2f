namespace OpenTrain.Clean.Domain.Common;

/// <summary>
/// A business rule refused an action. <see cref="Code"/> is stable and machine-readable
/// (it becomes the <c>code</c> of the problem response); <see cref="Details"/> carries the facts
/// a client needs to act on it.
/// </summary>
public class DomainException : Exception
{
    /// <summary>The code of a refusal that names no rule of its own.</summary>
    public const string UnnamedRule = "domain_error";

    public DomainException(string code, string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(message)
    {
        Code = code;
        Details = details ?? new Dictionary<string, object?>();
    }

    public DomainException()
        : this(UnnamedRule, "A business rule was broken.")
    {
    }

    public DomainException(string message)
        : this(UnnamedRule, message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = UnnamedRule;
        Details = new Dictionary<string, object?>();
    }

    public string Code { get; }

    public IReadOnlyDictionary<string, object?> Details { get; }
}
