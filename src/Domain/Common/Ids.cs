namespace OpenTrain.Clean.Domain.Common;

/// <summary>Typed ids share one shape so persistence converts them all with one converter.</summary>
public interface ITypedId
{
    Guid Value { get; }
}

public readonly record struct UserId(Guid Value) : ITypedId
{
    public override string ToString() => Value.ToString();
}

public readonly record struct JobId(Guid Value) : ITypedId
{
    public static JobId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct ContractId(Guid Value) : ITypedId
{
    public static ContractId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct MilestoneId(Guid Value) : ITypedId
{
    public static MilestoneId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct InvoiceId(Guid Value) : ITypedId
{
    public static InvoiceId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}
