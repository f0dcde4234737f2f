namespace OpenTrain.Clean.Infrastructure.Email;

/// <summary>Configuration section <c>Email</c>; SMTP is used when <c>Email:Smtp:Host</c> is set.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public string From { get; set; } = "OpenTrain <no-reply@opentrain.example>";

    public SmtpSettings Smtp { get; set; } = new();

    public sealed class SmtpSettings
    {
        public string? Host { get; set; }

        public int Port { get; set; } = 587;

        public bool UseStartTls { get; set; } = true;

        public string? UserName { get; set; }

        public string? Password { get; set; }
    }
}
