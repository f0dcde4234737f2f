using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using Riok.Mapperly.Abstractions;

namespace OpenTrain.Clean.Application.Contracts;

/// <summary>A contract: one trainer hired on one job.</summary>
public sealed record ContractResponse(
    Guid Id,
    Guid JobId,
    Guid EmployerId,
    Guid TrainerId,
    ContractStatus Status,
    DateTimeOffset HiredAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? EndedAt,
    int MilestoneCount);

[Mapper]
internal static partial class ContractMappings
{
    [MapperIgnoreSource(nameof(Contract.DomainEvents))]
    [MapperIgnoreSource(nameof(Contract.Version))]
    public static partial ContractResponse ToResponse(this Contract contract);

    public static partial IQueryable<ContractResponse> ProjectToResponse(this IQueryable<Contract> query);

    private static Guid ToGuid(ContractId id) => id.Value;

    private static Guid ToGuid(JobId id) => id.Value;

    private static Guid ToGuid(UserId id) => id.Value;
}
