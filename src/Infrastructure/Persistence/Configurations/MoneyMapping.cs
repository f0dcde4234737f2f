using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Infrastructure.Persistence.Configurations;

internal static class MoneyMapping
{
    /// <summary>Money is two columns: <c>{name}Cents</c> (integer minor units) and <c>{name}Currency</c>.</summary>
    public static void MapMoney(this ComplexPropertyBuilder<Money> money, string name)
    {
        money.Property(m => m.Amount).HasColumnName($"{name}Cents");
        money.Property(m => m.Currency).HasColumnName($"{name}Currency").HasMaxLength(3).IsUnicode(false);
    }
}
