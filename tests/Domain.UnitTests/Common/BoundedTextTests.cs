using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.UnitTests.Common;

public sealed class BoundedTextTests
{
    [Fact]
    public void Fit_WhenTheTextFits_KeepsItAsIs() => Assert.Equal("Batch 2", BoundedText.Fit("Batch 2", 7));

    [Fact]
    public void Fit_WhenTheTextIsLonger_CutsItToTheLengthWithAnEllipsis()
    {
        var fitted = BoundedText.Fit(new string('x', 2500), 2000);

        Assert.Equal(2000, fitted.Length);
        Assert.EndsWith("…", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WhenTheCutFallsInsideASurrogatePair_CutsBeforeTheWholeCharacter()
    {
        var text = new string('a', 8) + "😀" + "tail"; // the emoji is two UTF-16 units, at 8 and 9

        var fitted = BoundedText.Fit(text, 10);

        Assert.Equal(new string('a', 8) + "…", fitted);
        Assert.DoesNotContain(fitted, char.IsSurrogate);
    }
}
