using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace OpenTrain.Clean.TestSupport;

/// <summary>A word as PdfPig reads it back, with its page and bounding box (points, origin bottom left).</summary>
public sealed record InvoicingPdfWord(int Page, string Text, double Left, double Right, double Bottom, double Top);

/// <summary>A PDF read back with PdfPig: its pages, words and the lines they form.</summary>
public sealed class InvoicingPdf
{
    private InvoicingPdf(IReadOnlyList<InvoicingPdfWord> words, IReadOnlyList<string> pageTexts, double pageWidth, double pageHeight)
    {
        Words = words;
        PageTexts = pageTexts;
        PageWidth = pageWidth;
        PageHeight = pageHeight;
        Lines = [.. words
            .GroupBy(w => (w.Page, Baseline: Math.Round(w.Bottom, 0)))
            .OrderBy(g => g.Key.Page).ThenByDescending(g => g.Key.Baseline)
            .Select(g => string.Join(' ', g.OrderBy(w => w.Left).Select(w => w.Text)))];
    }

    public IReadOnlyList<InvoicingPdfWord> Words { get; }

    public IReadOnlyList<string> PageTexts { get; }

    public int PageCount => PageTexts.Count;

    public double PageWidth { get; }

    public double PageHeight { get; }

    /// <summary>Words sharing a baseline, left to right, top to bottom, page after page.</summary>
    public IReadOnlyList<string> Lines { get; }

    public static InvoicingPdf Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Assert.True(bytes.Length > 4 && bytes[0] == '%' && bytes[1] == 'P' && bytes[2] == 'D' && bytes[3] == 'F', "the body is a PDF file (%PDF header)");
        using var document = PdfDocument.Open(bytes);
        var words = new List<InvoicingPdfWord>();
        var texts = new List<string>();
        double width = 0, height = 0;
        foreach (Page page in document.GetPages())
        {
            width = page.Width;
            height = page.Height;
            texts.Add(page.Text);
            words.AddRange(page.GetWords().Select(w => new InvoicingPdfWord(
                page.Number, w.Text, w.BoundingBox.Left, w.BoundingBox.Right, w.BoundingBox.Bottom, w.BoundingBox.Top)));
        }

        return new InvoicingPdf(words, texts, width, height);
    }

    /// <summary>The one line that starts with <paramref name="label"/>, without the label.</summary>
    public string ValueOf(string label)
    {
        var matches = Lines.Where(l => l.StartsWith(label + " ", StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"exactly one line starts with '{label}', found {matches.Count} in:\n{string.Join('\n', Lines)}");
        return matches[0][(label.Length + 1)..];
    }

    /// <summary>Every word of <paramref name="text"/> appears, in order, in the words read back.</summary>
    public void AssertContainsWordsInOrder(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var expected = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var read = Words.Select(w => w.Text).ToList();
        var at = 0;
        foreach (var word in expected)
        {
            var found = read.IndexOf(word, at);
            Assert.True(found >= 0, $"the word '{word}' is in the PDF after position {at}; lines:\n{string.Join('\n', Lines)}");
            at = found + 1;
        }
    }

    public string AllText => string.Join('\n', Lines);
}
