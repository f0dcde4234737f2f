namespace OpenTrain.Clean.Domain.Common;

/// <summary>Typed ids share one shape so persistence converts them all with one converter.</summary>
public interface ITypedId
{
    Guid Value { get; }
}

public readonly record struct UserId(Guid Value) : ITypedId, IComparable<UserId>
{
    public static bool operator <(UserId left, UserId right) => left.Value.CompareTo(right.Value) < 0;

    public static bool operator >(UserId left, UserId right) => left.Value.CompareTo(right.Value) > 0;

    public static bool operator <=(UserId left, UserId right) => left.Value.CompareTo(right.Value) <= 0;

    public static bool operator >=(UserId left, UserId right) => left.Value.CompareTo(right.Value) >= 0;

    public int CompareTo(UserId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString();
}

public readonly record struct JobId(Guid Value) : ITypedId, IComparable<JobId>
{
    public static bool operator <(JobId left, JobId right) => left.Value.CompareTo(right.Value) < 0;

    public static bool operator >(JobId left, JobId right) => left.Value.CompareTo(right.Value) > 0;

    public static bool operator <=(JobId left, JobId right) => left.Value.CompareTo(right.Value) <= 0;

    public static bool operator >=(JobId left, JobId right) => left.Value.CompareTo(right.Value) >= 0;

    public int CompareTo(JobId other) => Value.CompareTo(other.Value);

    public static JobId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct ContractId(Guid Value) : ITypedId, IComparable<ContractId>
{
    public static bool operator <(ContractId left, ContractId right) => left.Value.CompareTo(right.Value) < 0;

    public static bool operator >(ContractId left, ContractId right) => left.Value.CompareTo(right.Value) > 0;

    public static bool operator <=(ContractId left, ContractId right) => left.Value.CompareTo(right.Value) <= 0;

    public static bool operator >=(ContractId left, ContractId right) => left.Value.CompareTo(right.Value) >= 0;

    public int CompareTo(ContractId other) => Value.CompareTo(other.Value);

    public static ContractId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct MilestoneId(Guid Value) : ITypedId, IComparable<MilestoneId>
{
    public static bool operator <(MilestoneId left, MilestoneId right) => left.Value.CompareTo(right.Value) < 0;

    public static bool operator >(MilestoneId left, MilestoneId right) => left.Value.CompareTo(right.Value) > 0;

    public static bool operator <=(MilestoneId left, MilestoneId right) => left.Value.CompareTo(right.Value) <= 0;

    public static bool operator >=(MilestoneId left, MilestoneId right) => left.Value.CompareTo(right.Value) >= 0;

    public int CompareTo(MilestoneId other) => Value.CompareTo(other.Value);

    public static MilestoneId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct InvoiceId(Guid Value) : ITypedId, IComparable<InvoiceId>
{
    public static bool operator <(InvoiceId left, InvoiceId right) => left.Value.CompareTo(right.Value) < 0;

    public static bool operator >(InvoiceId left, InvoiceId right) => left.Value.CompareTo(right.Value) > 0;

    public static bool operator <=(InvoiceId left, InvoiceId right) => left.Value.CompareTo(right.Value) <= 0;

    public static bool operator >=(InvoiceId left, InvoiceId right) => left.Value.CompareTo(right.Value) >= 0;

    public int CompareTo(InvoiceId other) => Value.CompareTo(other.Value);

    public static InvoiceId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}
