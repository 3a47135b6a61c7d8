using HotlineCenter.Abstractions.Audit;

namespace HotlineCenter.Grains.Audit;

/// <summary>
/// What an audit event may hold. Targets and details are short ASCII codes and ids, so a name or anything said
/// (Chinese text, free sentences) cannot be stored by mistake; addresses are IP addresses.
/// </summary>
public static class AuditEventRules
{
    public const int MaxTarget = 128;
    public const int MaxAddress = 64;
    public const int MaxDetail = 256;

    public static IReadOnlyList<string> Problems(AuditEvent e)
    {
        var problems = new List<string>();
        if (e.Actor != AuditChains.UnknownActor && !Keys.IsValidId(e.Actor))
        {
            problems.Add("the actor must be a user name (1–64 characters a-z, 0-9, '-' or '_') or '-'");
        }

        if (!Enum.IsDefined(e.Kind) || !Enum.IsDefined(e.Outcome) || (!e.Roles.IsDefault && e.Roles.Any(r => !Enum.IsDefined(r))))
        {
            problems.Add("unknown kind, outcome or role");
        }

        if (e.Target is { } target && !IsTarget(target))
        {
            problems.Add($"the target must be an id of at most {MaxTarget} characters (letters, digits, - _ / : . = ,)");
        }

        if (e.Address is { } address && !IsAddress(address))
        {
            problems.Add($"the address must be an IP address of at most {MaxAddress} characters");
        }

        if (e.Detail is { } detail && !IsDetail(detail))
        {
            problems.Add($"the detail must be a code of at most {MaxDetail} printable ASCII characters");
        }

        return problems;
    }

    public static bool IsTarget(string target) => target.Length <= MaxTarget && target.All(IsIdChar);

    public static bool IsAddress(string address) => address.Length <= MaxAddress && address.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '%');

    public static bool IsDetail(string detail) => detail.Length <= MaxDetail && detail.All(c => c is >= ' ' and <= '~');

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or ':' or '.' or '=' or ',';
}
