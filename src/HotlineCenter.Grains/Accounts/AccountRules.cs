using HotlineCenter.Abstractions.Accounts;

namespace HotlineCenter.Grains.Accounts;

/// <summary>What an account change must satisfy, as plain code.</summary>
public static class AccountRules
{
    public static IReadOnlyList<string> UpdateProblems(AccountUpdate update)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(update.DisplayName) || update.DisplayName.Length > 100)
        {
            problems.Add("display name must be 1–100 characters");
        }

        if (update.Roles.IsDefaultOrEmpty)
        {
            problems.Add("at least one role is required");
        }
        else if (update.Roles.Any(r => !Enum.IsDefined(r)))
        {
            problems.Add("unknown role");
        }

        if (!update.Roles.IsDefault && update.Roles.Contains(StaffRole.Counselor) && !Keys.IsValidId(update.CounselorId))
        {
            problems.Add("a counsellor account must name its counsellor id");
        }

        return problems;
    }
}
