using System.Collections.Immutable;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Grains.Crises;

/// <summary>
/// The life of a crisis action (crisis.md §3) as a pure class: proposed → approved → requested → acknowledged →
/// en route / accepted → completed; failed or cancelled, with a reason, from any open state. An illegal move is
/// a rule error and returns nothing, so the caller's action is unchanged.
/// </summary>
public static class ActionStateMachine
{
    /// <summary>
    /// Default time allowed in each open state. Proposed and approved get 2 minutes: in a crisis a proposal nobody
    /// acts on is itself an emergency, and the supervisor is alerted well before the 5 minutes a dispatcher gets.
    /// </summary>
    public static readonly ImmutableDictionary<ActionState, TimeSpan> DefaultDeadlines = new Dictionary<ActionState, TimeSpan>
    {
        [ActionState.Proposed] = TimeSpan.FromMinutes(2),
        [ActionState.Approved] = TimeSpan.FromMinutes(2),
        [ActionState.Requested] = TimeSpan.FromMinutes(5),
        [ActionState.Acknowledged] = TimeSpan.FromMinutes(15),
        [ActionState.EnRoute] = TimeSpan.FromMinutes(60),
    }.ToImmutableDictionary();

    public static bool IsOpen(ActionState state) => state is not (ActionState.Completed or ActionState.Failed or ActionState.Cancelled);

    /// <summary>Whether an action may move from one state to another.</summary>
    public static bool IsAllowed(ActionState from, ActionState to, bool requiresApproval) => (from, to) switch
    {
        (_, ActionState.Failed or ActionState.Cancelled) => IsOpen(from),
        (ActionState.Proposed, ActionState.Approved) => true,
        (ActionState.Proposed, ActionState.Requested) => !requiresApproval,
        (ActionState.Approved, ActionState.Requested) => true,
        (ActionState.Requested, ActionState.Acknowledged) => true,
        (ActionState.Acknowledged, ActionState.EnRoute) => true,
        (ActionState.EnRoute, ActionState.Completed) => true,
        _ => false,
    };

    /// <summary>The action in its new state with its new deadline; a rule error when the move is illegal or a reason is missing.</summary>
    public static CrisisAction Move(CrisisAction action, ActionState to, DateTimeOffset now, string? reason = null)
    {
        if (!IsAllowed(action.State, to, action.RequiresApproval))
        {
            var why = action.State == ActionState.Proposed && to == ActionState.Requested
                ? "it needs a supervisor's approval first"
                : IsOpen(action.State) ? "that is not the next step" : "the action is finished";
            throw new HotlineRuleException("crisis.illegal-transition", $"Action {action.ActionId} cannot go from {action.State} to {to}: {why}.");
        }

        if (to is ActionState.Failed or ActionState.Cancelled && (string.IsNullOrWhiteSpace(reason) || reason.Length > 1000))
        {
            throw new HotlineRuleException("crisis.reason-required", $"Marking action {action.ActionId} {to} needs a reason of 1–1000 characters.");
        }

        return action with
        {
            State = to,
            StateSince = now,
            DeadlineAt = DeadlineFor(action.Deadlines, to, now),
            Reason = to is ActionState.Failed or ActionState.Cancelled ? reason!.Trim() : action.Reason,
        };
    }

    /// <summary>
    /// A follow-up action handed to the follow-up list (回访) is done as far as the case goes: the list tracks the
    /// calls from there, with their own due time and attempts. Only open follow-up actions may be handed over.
    /// </summary>
    public static CrisisAction HandToFollowUps(CrisisAction action, DateTimeOffset now, string note)
    {
        if (action.Kind != ActionKind.FollowUp || !IsOpen(action.State))
        {
            throw new HotlineRuleException("crisis.illegal-transition", $"Action {action.ActionId} is not an open follow-up.");
        }

        return action with { State = ActionState.Completed, StateSince = now, DeadlineAt = null, Note = note };
    }

    /// <summary>When an action entering <paramref name="state"/> now becomes overdue (a rule's override first); null for a final state.</summary>
    public static DateTimeOffset? DeadlineFor(ImmutableArray<StateDeadline> overrides, ActionState state, DateTimeOffset now)
    {
        if (!overrides.IsDefault && overrides.FirstOrDefault(d => d.State == state) is { } own)
        {
            return now.AddSeconds(own.Seconds);
        }

        return DefaultDeadlines.TryGetValue(state, out var span) ? now + span : null;
    }
}

/// <summary>Which green-channel hospitals fit a person: available, in their region (when known), serving youth for a minor and adults otherwise.</summary>
public static class HospitalMatcher
{
    public static IReadOnlyList<GreenChannelHospital> Match(IEnumerable<GreenChannelHospital> hospitals, string? region, bool minor)
    {
        var wanted = minor ? Population.Youth : Population.Adult;
        return [.. hospitals
            .Where(h => h.Available)
            .Where(h => !h.Serves.IsDefault && h.Serves.Contains(wanted))
            .Where(h => string.IsNullOrWhiteSpace(region) || string.Equals(h.Region.Trim(), region.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(h => h.Name, StringComparer.Ordinal)];
    }
}

/// <summary>What a crisis directory must hold to be stored.</summary>
public static class LinkageDirectoryValidator
{
    public static IReadOnlyList<string> Problems(LinkageDirectory d)
    {
        var problems = new List<string>();
        var hospitals = d.Hospitals.IsDefault ? [] : d.Hospitals;
        var receivers = d.Receivers.IsDefault ? [] : d.Receivers;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in hospitals)
        {
            var name = $"hospital '{h.HospitalId}'";
            if (!Keys.IsValidId(h.HospitalId) || !ids.Add(h.HospitalId))
            {
                problems.Add($"{name}: the id must be unique and 1–64 characters a-z, 0-9, '-' or '_'");
            }

            if (string.IsNullOrWhiteSpace(h.Name) || h.Name.Length > 100)
            {
                problems.Add($"{name}: the name must be 1–100 characters");
            }

            if (string.IsNullOrWhiteSpace(h.Region) || h.Region.Length > 100)
            {
                problems.Add($"{name}: the region must be 1–100 characters");
            }

            if (h.Serves.IsDefaultOrEmpty || h.Serves.Any(p => !Enum.IsDefined(p)))
            {
                problems.Add($"{name}: say which populations it serves");
            }

            if (!IsPhoneNumber(h.Number24h))
            {
                problems.Add($"{name}: the 24 h number must be 3–20 digits (optionally starting with +)");
            }

            problems.AddRange(EndpointProblems(name, h.LinkageEndpoint, h.SecretRef));
        }

        foreach (var r in receivers)
        {
            var name = $"receiver '{r.ReceiverId}'";
            if (!Keys.IsValidId(r.ReceiverId) || !ids.Add(r.ReceiverId))
            {
                problems.Add($"{name}: the id must be unique (also among hospitals) and 1–64 characters a-z, 0-9, '-' or '_'");
            }

            if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 100)
            {
                problems.Add($"{name}: the name must be 1–100 characters");
            }

            if (!Enum.IsDefined(r.Serves))
            {
                problems.Add($"{name}: action {(int)r.Serves} is unknown");
            }

            if (r.DispatcherNumber is not null && !IsPhoneNumber(r.DispatcherNumber))
            {
                problems.Add($"{name}: the dispatcher number must be 3–20 digits (optionally starting with +)");
            }

            if (r.DispatcherNumber is null && r.LinkageEndpoint is null)
            {
                problems.Add($"{name}: needs a dispatcher number, a linkage endpoint, or both");
            }

            problems.AddRange(EndpointProblems(name, r.LinkageEndpoint, r.SecretRef));
        }

        if (d.Centre24hNumber is not null && !IsPhoneNumber(d.Centre24hNumber))
        {
            problems.Add("the centre's 24 h number must be 3–20 digits (optionally starting with +)");
        }

        return problems;
    }

    public static bool IsPhoneNumber(string? n) =>
        n is { Length: >= 3 and <= 20 } && (n[0] == '+' ? n.Length > 3 && n[1..].All(char.IsAsciiDigit) : n.All(char.IsAsciiDigit));

    private static IEnumerable<string> EndpointProblems(string name, string? endpoint, string? secretRef)
    {
        if (endpoint is null)
        {
            if (secretRef is not null)
            {
                yield return $"{name}: a secret reference without a linkage endpoint";
            }

            yield break;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            yield return $"{name}: the linkage endpoint must be an absolute http(s) URL without credentials";
        }
        else if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            // Sheets carry an unmasked number: plain HTTP only to this machine (tests, a local relay).
            yield return $"{name}: the linkage endpoint must use https (http only on loopback)";
        }

        if (!Keys.IsValidId(secretRef))
        {
            yield return $"{name}: a linkage endpoint needs a secret reference (the name of a configured secret, a-z, 0-9, '-' or '_')";
        }
    }
}
