namespace OpenTrain.Clean.Domain.Common;

public enum UserRole
{
    Employer,
    Trainer,
    Admin,
}
