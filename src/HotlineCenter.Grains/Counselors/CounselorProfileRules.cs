using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;

namespace HotlineCenter.Grains.Counselors;

/// <summary>What a counsellor profile must hold before the grain stores it; every problem at once, in plain words.</summary>
public static class CounselorProfileRules
{
    public static IReadOnlyList<string> Problems(CounselorProfile profile)
    {
        var problems = new List<string>();
        if (!Keys.IsValidId(profile.CentreId))
        {
            problems.Add($"centre id '{profile.CentreId}' is invalid");
        }

        if (string.IsNullOrWhiteSpace(profile.DisplayName) || profile.DisplayName.Length > 100)
        {
            problems.Add("display name must be 1–100 characters");
        }

        if (profile.Skills.IsDefault || profile.Languages.IsDefault || profile.QueueIds.IsDefault)
        {
            problems.Add("skills, languages and queues must be given (they may be empty)");
            return problems;
        }

        problems.AddRange(profile.Skills
            .Where(s => !Keys.IsValidId(s.Skill) || s.Level is < 1 or > 5)
            .Select(s => $"skill '{s.Skill}' needs a valid name and a level from 1 to 5"));
        problems.AddRange(profile.QueueIds.Where(q => !Keys.IsValidId(q)).Select(q => $"queue id '{q}' is invalid"));
        if (profile.Device is { Kind: DeviceKind.Phone, PhoneNumber: var number } && !IsE164(number))
        {
            problems.Add("a counsellor answering on a phone needs an E.164 number such as +8613900000000");
        }

        return problems;
    }

    private static bool IsE164(string? number) =>
        number is { Length: >= 8 and <= 16 } n && n[0] == '+' && n[1] is >= '1' and <= '9' && n[1..].All(char.IsAsciiDigit);
}
