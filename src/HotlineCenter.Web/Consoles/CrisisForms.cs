using System.Collections.Immutable;
using System.Globalization;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Web.Consoles;

// Editable copies of the escalation rules and the linkage directory for the admin tabs. The grains validate what
// arrives (gaps, cycles, endpoints), so a form only has to turn text back into records or name what does not parse.

public sealed class RuleForm
{
    public string RuleId { get; set; } = string.Empty;

    /// <summary>Conditions as text, separated by ';': a name, <c>!name</c> for "not", <c>name=value</c> for levels and grades.</summary>
    public string Conditions { get; set; } = string.Empty;

    public ActionKind Action { get; set; } = ActionKind.FollowUp;

    public bool RequiresApproval { get; set; }

    public string? NextOnFailure { get; set; }

    public string? Description { get; set; }

    /// <summary>Per-state deadlines kept as they were (the form does not edit them).</summary>
    public ImmutableArray<StateDeadline> Deadlines { get; set; } = [];

    public static RuleForm From(EscalationRule r) => new()
    {
        RuleId = r.RuleId,
        Conditions = string.Join("; ", r.Conditions.Select(Write)),
        Action = r.Action,
        RequiresApproval = r.RequiresApproval,
        NextOnFailure = r.NextOnFailure,
        Description = r.Description,
        Deadlines = r.Deadlines.IsDefault ? [] : r.Deadlines,
    };

    public static string Write(RuleCondition c) =>
        (c.Negate ? "!" : string.Empty) + c.Kind + c.Kind switch
        {
            ConditionKind.LevelAtLeast or ConditionKind.LevelIs => "=" + (CrisisLevel)c.Value,
            ConditionKind.DangerGradeAtLeast => "=" + c.Value.ToString(CultureInfo.InvariantCulture),
            _ => string.Empty,
        };

    /// <summary>The rule, or the problems that stop the conditions from being read.</summary>
    public (EscalationRule? Rule, IReadOnlyList<string> Problems) ToRule()
    {
        var problems = new List<string>();
        var conditions = ImmutableArray.CreateBuilder<RuleCondition>();
        foreach (var part in Conditions.Split([';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = part.StartsWith('!');
            var body = negate ? part[1..].Trim() : part;
            var pieces = body.Split('=', 2, StringSplitOptions.TrimEntries);
            if (!Enum.TryParse<ConditionKind>(pieces[0], ignoreCase: false, out var kind) || int.TryParse(pieces[0], out _))
            {
                problems.Add($"rule '{RuleId}': condition '{part}' is not one of {string.Join(", ", Enum.GetNames<ConditionKind>())}");
                continue;
            }

            var value = 0;
            if (kind is ConditionKind.LevelAtLeast or ConditionKind.LevelIs)
            {
                if (pieces.Length != 2 || !Enum.TryParse<CrisisLevel>(pieces[1], out var level) || int.TryParse(pieces[1], out _))
                {
                    problems.Add($"rule '{RuleId}': {kind} needs a level, e.g. {kind}=High");
                    continue;
                }

                value = (int)level;
            }
            else if (kind == ConditionKind.DangerGradeAtLeast)
            {
                if (pieces.Length != 2 || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out value))
                {
                    problems.Add($"rule '{RuleId}': DangerGradeAtLeast needs a grade 0–5, e.g. DangerGradeAtLeast=3");
                    continue;
                }
            }
            else if (pieces.Length == 2)
            {
                problems.Add($"rule '{RuleId}': {kind} takes no value");
                continue;
            }

            conditions.Add(new RuleCondition(kind, value, negate));
        }

        return problems.Count > 0
            ? (null, problems)
            : (new EscalationRule
            {
                RuleId = RuleId.Trim(),
                Conditions = conditions.ToImmutable(),
                Action = Action,
                RequiresApproval = RequiresApproval,
                NextOnFailure = QueueForm.Blank(NextOnFailure),
                Description = QueueForm.Blank(Description),
                Deadlines = Deadlines,
            }, problems);
    }
}

public sealed class HospitalForm
{
    public string HospitalId { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Region { get; set; } = string.Empty;
    public IReadOnlyCollection<Population> Serves { get; set; } = [Population.Adult];
    public string Number24h { get; set; } = string.Empty;
    public string? LinkageEndpoint { get; set; }
    public string? SecretRef { get; set; }
    public bool Available { get; set; } = true;

    public static HospitalForm From(GreenChannelHospital h) => new()
    {
        HospitalId = h.HospitalId, Name = h.Name, Region = h.Region, Serves = [.. h.Serves], Number24h = h.Number24h,
        LinkageEndpoint = h.LinkageEndpoint, SecretRef = h.SecretRef, Available = h.Available,
    };

    public GreenChannelHospital ToHospital() => new(
        HospitalId.Trim(), Name.Trim(), Region.Trim(), [.. Serves], Number24h.Trim(), QueueForm.Blank(LinkageEndpoint), QueueForm.Blank(SecretRef), Available);
}

public sealed class ReceiverForm
{
    public string ReceiverId { get; set; } = string.Empty;
    public ActionKind Serves { get; set; } = ActionKind.Ambulance120;
    public string Name { get; set; } = string.Empty;
    public string? DispatcherNumber { get; set; }
    public string? LinkageEndpoint { get; set; }
    public string? SecretRef { get; set; }

    public static ReceiverForm From(LinkageReceiver r) => new()
    {
        ReceiverId = r.ReceiverId, Serves = r.Serves, Name = r.Name, DispatcherNumber = r.DispatcherNumber, LinkageEndpoint = r.LinkageEndpoint, SecretRef = r.SecretRef,
    };

    public LinkageReceiver ToReceiver() => new(
        ReceiverId.Trim(), Serves, Name.Trim(), QueueForm.Blank(DispatcherNumber), QueueForm.Blank(LinkageEndpoint), QueueForm.Blank(SecretRef));
}

public sealed class LinkageForm
{
    public List<HospitalForm> Hospitals { get; set; } = [];
    public List<ReceiverForm> Receivers { get; set; } = [];
    public string? Centre24hNumber { get; set; }

    public static LinkageForm From(LinkageDirectory d) => new()
    {
        Hospitals = [.. (d.Hospitals.IsDefault ? [] : d.Hospitals).Select(HospitalForm.From)],
        Receivers = [.. (d.Receivers.IsDefault ? [] : d.Receivers).Select(ReceiverForm.From)],
        Centre24hNumber = d.Centre24hNumber,
    };

    public LinkageDirectory ToDirectory() =>
        new([.. Hospitals.Select(h => h.ToHospital())], [.. Receivers.Select(r => r.ToReceiver())], QueueForm.Blank(Centre24hNumber));
}
