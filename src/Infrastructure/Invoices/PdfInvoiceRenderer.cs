using System.Globalization;
using OpenTrain.Clean.Application.Abstractions;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace OpenTrain.Clean.Infrastructure.Invoices;

/// <summary>
/// Renders invoices with PdfPig on A4, in DejaVu Sans (embedded, so names in any script that
/// font covers render). Long text wraps; long tables continue on a new page. No creation date or
/// random id is written, so the same invoice always renders the same bytes.
/// </summary>
public sealed class PdfInvoiceRenderer : IInvoicePdfRenderer
{
    private const double Margin = 50;
    private const double PageWidth = 595;
    private const double PageHeight = 842;
    private const double BodySize = 10;
    private const double LineGap = 4;
    private const double AmountColumn = 140;

    private static readonly byte[] Regular = LoadFont("DejaVuSans.ttf");
    private static readonly byte[] Bold = LoadFont("DejaVuSans-Bold.ttf");

    // Han ideographs and kana (Chinese and Japanese names): DejaVu has no such glyphs.
    private static readonly byte[] Fallback = LoadFont("IPAPGothic.ttf");

    public byte[] Render(InvoiceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        // Build() completes and releases the document; disposing it afterwards would write it twice.
        var builder = new PdfDocumentBuilder { IncludeDocumentInformation = false };
        // The fallback (6 MB, most of a render's time when embedded) is added only when a glyph needs it.
        var writer = new PageWriter(builder, builder.AddTrueTypeFont(Regular), builder.AddTrueTypeFont(Bold), new Lazy<PdfDocumentBuilder.AddedFont>(() => builder.AddTrueTypeFont(Fallback)));

        writer.Text(document.Title, 20, bold: true);
        writer.Gap(6);
        writer.Pair("Invoice number", document.Number);
        writer.Pair("Issue date", document.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        writer.Pair("Billing type", document.BillingType);
        writer.Pair("Payment status", document.PaymentStatus);
        writer.Pair("Payment reference", document.PaymentReference ?? "—");
        writer.Gap(10);
        Party(writer, document.Issuer);
        writer.Gap(6);
        Party(writer, document.Counterparty);
        writer.Gap(10);
        writer.Pair("Project", document.ProjectName);
        writer.Pair("Milestone", document.Description);
        writer.Gap(12);

        writer.Row("Description", "Amount", bold: true);
        writer.Rule();
        foreach (var line in document.Lines)
        {
            writer.Row(line.Description, Format(line.Amount, document.Currency), bold: false);
        }

        writer.Rule();
        writer.Row("Total", Format(document.Total, document.Currency), bold: true);
        writer.Row("Currency", document.Currency, bold: false);
        return WithStableId(builder.Build());
    }

    /// <summary>
    /// PdfPig writes a random file identifier in the trailer; it is replaced, in place and at the same
    /// length, by a hash of everything before the trailer, so equal documents are equal files.
    /// </summary>
    internal static byte[] WithStableId(byte[] pdf)
    {
        var marker = "/ID [ <"u8;
        var start = pdf.AsSpan().LastIndexOf(marker);
        if (start < 0)
        {
            return pdf;
        }

        var first = start + marker.Length;
        var second = first + 32 + "><".Length;
        if (second + 32 > pdf.Length || pdf[first + 32] != (byte)'>' || pdf[second - 1] != (byte)'<')
        {
            return pdf;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(pdf.AsSpan(0, start));
        var hex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(hash)); // 64 characters: both ids
        hex.AsSpan(0, 32).CopyTo(pdf.AsSpan(first, 32));
        hex.AsSpan(32, 32).CopyTo(pdf.AsSpan(second, 32));
        return pdf;
    }

    internal static string Format(long cents, string currency)
    {
        var sign = cents < 0 ? "-" : string.Empty;
        var value = Math.Abs(cents);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{value / 100:#,0}.{value % 100:00} {currency}");
    }

    private static void Party(PageWriter writer, InvoiceParty party)
    {
        writer.Text(party.Label, BodySize, bold: true);
        writer.Text(party.Name, BodySize, bold: false);
        foreach (var line in party.Lines)
        {
            writer.Text(line, BodySize, bold: false);
        }
    }

    private static byte[] LoadFont(string name)
    {
        using var stream = typeof(PdfInvoiceRenderer).Assembly.GetManifestResourceStream($"OpenTrain.Clean.Infrastructure.Invoices.Fonts.{name}")
            ?? throw new InvalidOperationException($"The font {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Writes top to bottom, wrapping text to the width it is given and starting new pages.</summary>
    private sealed class PageWriter(PdfDocumentBuilder builder, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont boldFont, Lazy<PdfDocumentBuilder.AddedFont> fallback)
    {
        private readonly Dictionary<(PdfDocumentBuilder.AddedFont Font, string Text), bool> _covered = [];
        private PdfPageBuilder _page = builder.AddPage(PageSize.A4);
        private double _y = PageHeight - Margin;

        public void Gap(double points) => _y -= points;

        public void Text(string text, double size, bool bold) =>
            WriteWrapped(text, size, bold, Margin, PageWidth - (2 * Margin));

        public void Pair(string label, string value)
        {
            const double labelWidth = 120;
            EnsureRoom(BodySize);
            Draw(label, BodySize, Margin, _y - BodySize, boldFont);
            WriteWrapped(value, BodySize, false, Margin + labelWidth, PageWidth - (2 * Margin) - labelWidth);
        }

        public void Row(string description, string amount, bool bold)
        {
            var font = bold ? boldFont : regular;
            EnsureRoom(BodySize);
            var top = _y;
            var amountWidth = Width(amount, BodySize, font);
            Draw(amount, BodySize, PageWidth - Margin - amountWidth, top - BodySize, font);
            WriteWrapped(description, BodySize, bold, Margin, PageWidth - (2 * Margin) - AmountColumn);
        }

        public void Rule()
        {
            EnsureRoom(LineGap * 2);
            _y -= LineGap;
            _page.DrawLine(new PdfPoint(Margin, _y), new PdfPoint(PageWidth - Margin, _y), 0.5);
            _y -= LineGap;
        }

        private void WriteWrapped(string text, double size, bool isBold, double x, double width)
        {
            var font = isBold ? boldFont : regular;
            foreach (var line in Wrap(text, size, font, width))
            {
                EnsureRoom(size);
                Draw(line, size, x, _y - size, font);
                _y -= size + LineGap;
            }
        }

        private IEnumerable<string> Wrap(string text, double size, PdfDocumentBuilder.AddedFont font, double width)
        {
            foreach (var paragraph in text.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
            {
                var line = string.Empty;
                foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var candidate = line.Length == 0 ? word : $"{line} {word}";
                    if (Width(candidate, size, font) <= width)
                    {
                        line = candidate;
                        continue;
                    }

                    if (line.Length > 0)
                    {
                        yield return line;
                    }

                    line = word;
                    while (Width(line, size, font) > width)
                    {
                        // A word wider than the column (a long id, a URL) is cut where it must be.
                        var fit = Fit(line, size, font, width);
                        yield return line[..fit];
                        line = line[fit..];
                    }
                }

                yield return line;
            }
        }

        private int Fit(string word, double size, PdfDocumentBuilder.AddedFont font, double width)
        {
            var fit = 1;
            while (fit < word.Length && Width(word[..(fit + 1)], size, font) <= width)
            {
                fit++;
            }

            return fit;
        }

        /// <summary>Draws text in runs: each character in the first font that has it, '?' when none has.</summary>
        private void Draw(string text, double size, double x, double y, PdfDocumentBuilder.AddedFont font)
        {
            foreach (var (run, runFont) in Runs(text, font))
            {
                _page.AddText(run, size, new PdfPoint(x, y), runFont);
                x += Measure(run, size, runFont);
            }
        }

        private double Width(string text, double size, PdfDocumentBuilder.AddedFont font) =>
            Runs(text, font).Sum(r => Measure(r.Text, size, r.Font));

        private double Measure(string text, double size, PdfDocumentBuilder.AddedFont font)
        {
            if (text.Length == 0)
            {
                return 0;
            }

            var letters = _page.MeasureText(text, size, new PdfPoint(0, 0), font);
            return letters.Count == 0 ? 0 : letters.Max(l => l.EndBaseLine.X) - letters.Min(l => l.StartBaseLine.X);
        }

        private List<(string Text, PdfDocumentBuilder.AddedFont Font)> Runs(string text, PdfDocumentBuilder.AddedFont font)
        {
            var runs = new List<(string Text, PdfDocumentBuilder.AddedFont Font)>();
            var current = new System.Text.StringBuilder();
            PdfDocumentBuilder.AddedFont? currentFont = null;
            var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(text);
            while (enumerator.MoveNext())
            {
                var element = enumerator.GetTextElement();
                var (glyph, glyphFont) = Covers(font, element) ? (element, font)
                    : Covers(fallback.Value, element) ? (element, fallback.Value)
                    : ("?", font);
                if (currentFont is not null && !ReferenceEquals(currentFont, glyphFont))
                {
                    runs.Add((current.ToString(), currentFont));
                    current.Clear();
                }

                currentFont = glyphFont;
                current.Append(glyph);
            }

            if (currentFont is not null && current.Length > 0)
            {
                runs.Add((current.ToString(), currentFont));
            }

            return runs;
        }

        private bool Covers(PdfDocumentBuilder.AddedFont font, string element)
        {
            if (element is " ")
            {
                return true;
            }

            if (!_covered.TryGetValue((font, element), out var covered))
            {
                try
                {
                    _page.MeasureText(element, BodySize, new PdfPoint(0, 0), font);
                    covered = true;
                }
                catch (InvalidOperationException)
                {
                    covered = false;
                }

                _covered[(font, element)] = covered;
            }

            return covered;
        }

        private void EnsureRoom(double height)
        {
            if (_y - height < Margin)
            {
                _page = builder.AddPage(PageSize.A4);
                _y = PageHeight - Margin;
            }
        }
    }
}
