using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Users;

namespace OpenTrain.Clean.Domain.UnitTests.Users;

/// <summary>Names and e-mails come from tokens, whose claims may be any length.</summary>
public sealed class UserProfileTests
{
    [Fact]
    public void Register_WithAClaimedNameLongerThanTheColumn_KeepsItCutToFit()
    {
        var profile = UserProfile.Register(Parties.Employer, UserRole.Employer, new string('n', 5000), "ada@example.test", Moments.Now);

        Assert.Equal(UserProfile.MaxNameLength, profile.Name.Length);
        Assert.Equal("ada@example.test", profile.Email);
    }

    [Fact]
    public void Register_WithAClaimedEmailLongerThanAnyAddress_KeepsNoEmail()
    {
        var profile = UserProfile.Register(Parties.Employer, UserRole.Employer, "Ada", new string('e', 400) + "@example.test", Moments.Now);

        Assert.Equal(string.Empty, profile.Email);
    }

    [Fact]
    public void RefreshFromClaims_WithTheLongestAddressThenAnOverlongOne_KeepsTheLongestAddress()
    {
        var longest = LongestAddress();
        var profile = UserProfile.Register(Parties.Employer, UserRole.Employer, "Ada", "ada@example.test", Moments.Now);

        profile.RefreshFromClaims(null, longest);
        profile.RefreshFromClaims(new string('n', 300), longest + "x");

        Assert.Equal(UserProfile.MaxEmailLength, longest.Length);
        Assert.Equal(longest, profile.Email);
        Assert.Equal(UserProfile.MaxNameLength, profile.Name.Length);
    }

    /// <summary>A 64-character local part, '@', and a 255-character domain of labels of at most 63.</summary>
    internal static string LongestAddress() =>
        $"{new string('a', 64)}@{new string('d', 63)}.{new string('d', 63)}.{new string('d', 63)}.{new string('d', 59)}.com";
}
