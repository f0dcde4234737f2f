using FluentValidation;

namespace OpenTrain.Clean.Application.Common;

public static class ValidationRules
{
    /// <summary>Refuses control characters (NUL, escape sequences); line breaks and tabs only where text is multi-line.</summary>
    public static IRuleBuilderOptions<T, string?> NoControlCharacters<T>(this IRuleBuilder<T, string?> rule, bool allowLineBreaks = false) =>
        rule.Must(value => value is null || !value.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
            .WithMessage("'{PropertyName}' must not contain control characters.");
}
