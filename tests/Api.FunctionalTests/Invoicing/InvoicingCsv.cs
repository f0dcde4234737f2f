using System.Text;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>
/// A strict RFC 4180 reader, independent of the library that wrote the file: records end with CRLF,
/// a field with a comma, a quote or a line break is quoted, inner quotes are doubled, and anything else
/// (a bare quote, a lone LF between records) fails the test.
/// </summary>
public static class InvoicingCsv
{
    public static IReadOnlyList<string[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, $"a quoted field is closed (record {records.Count + 1})");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i]);
                    i++;
                }
            }
            else
            {
                while (i < text.Length && text[i] != ',' && text[i] != '\r')
                {
                    Assert.True(text[i] is not ('"' or '\n'), $"an unquoted field has no quote or line break (record {records.Count + 1}, at {i}: '{Around(text, i)}')");
                    field.Append(text[i]);
                    i++;
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            Assert.True(i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n', $"a record ends with CRLF (record {records.Count + 1}, at {i}: '{Around(text, i)}')");
            i += 2;
            records.Add([.. fields]);
            fields.Clear();
        }

        return records;
    }

    /// <summary>The records as dictionaries keyed by the header row's names; every record has the header's field count.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Rows(IReadOnlyList<string[]> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        Assert.NotEmpty(records);
        var header = records[0];
        return [.. records.Skip(1).Select((r, n) =>
        {
            Assert.True(r.Length == header.Length, $"row {n + 1} has {r.Length} fields, the header {header.Length}");
            return (IReadOnlyDictionary<string, string>)header.Zip(r).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        })];
    }

    private static string Around(string text, int at) => text.Substring(Math.Max(0, at - 20), Math.Min(40, text.Length - Math.Max(0, at - 20)));
}
