namespace HotlineCenter.Abstractions.Crises;

/// <summary>What an escalation action asks for (crisis.md §2).</summary>
[GenerateSerializer]
public enum ActionKind
{
    /// <summary>120: medical emergency services.</summary>
    Ambulance120 = 0,
    /// <summary>110: police.</summary>
    Police110 = 1,
    /// <summary>A green-channel psychiatric hospital (a youth hospital for a minor).</summary>
    GreenChannelHospital = 2,
    /// <summary>Notify the minor's guardian, where that is safe.</summary>
    GuardianNotification = 3,
    /// <summary>Community rehabilitation referral (精康融合).</summary>
    CommunityReferral = 4,
    /// <summary>Follow-up call (回访).</summary>
    FollowUp = 5,
}

/// <summary>Where an action is (crisis.md §3). Completed, Failed and Cancelled are final.</summary>
[GenerateSerializer]
public enum ActionState
{
    Proposed = 0,
    Approved = 1,
    Requested = 2,
    Acknowledged = 3,
    /// <summary>En route (110/120) or accepted (hospital, guardian, community service).</summary>
    EnRoute = 4,
    Completed = 5,
    Failed = 6,
    Cancelled = 7,
}

/// <summary>How an action is carried out.</summary>
[GenerateSerializer]
public enum ActionChannel
{
    /// <summary>Not carried out yet.</summary>
    None = 0,
    /// <summary>The dispatcher's number is conferenced into the live call.</summary>
    Conference = 1,
    /// <summary>The supervisor calls out on another line and records the outcome.</summary>
    CallOut = 2,
    /// <summary>A dispatch sheet (联动单) is sent to the receiver's linkage endpoint.</summary>
    DispatchSheet = 3,
}

[GenerateSerializer]
public enum DeliveryState
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>Where a dispatch sheet is: the HTTP status only, never the receiver's body.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.sheet-delivery")]
public sealed record SheetDelivery(
    [property: Id(0)] string SheetId,
    [property: Id(1)] string ReceiverId,
    [property: Id(2)] DeliveryState State,
    [property: Id(3)] int? HttpStatus,
    [property: Id(4)] string? FailureCode,
    [property: Id(5)] DateTimeOffset At);

/// <summary>One action of a crisis case, tracked to closure.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.crisis-action")]
public sealed record CrisisAction
{
    [Id(0)] public required string ActionId { get; init; }
    [Id(1)] public required ActionKind Kind { get; init; }
    [Id(2)] public ActionState State { get; init; }
    [Id(3)] public bool RequiresApproval { get; init; }
    /// <summary>Who must move it next (counsellor or supervisor id); null means the centre's duty supervisors (an approval is awaited, or nobody is on the call yet).</summary>
    [Id(4)] public string? Owner { get; init; }
    /// <summary>When the current state is overdue; null in a final state.</summary>
    [Id(5)] public DateTimeOffset? DeadlineAt { get; init; }
    [Id(6)] public DateTimeOffset CreatedAt { get; init; }
    [Id(7)] public DateTimeOffset StateSince { get; init; }
    /// <summary>The rule that proposed it (null when proposed by hand).</summary>
    [Id(8)] public string? RuleId { get; init; }
    /// <summary>Rule whose action is proposed if this one fails.</summary>
    [Id(9)] public string? NextOnFailureRuleId { get; init; }
    /// <summary>Reason of a failure or cancellation.</summary>
    [Id(10)] public string? Reason { get; init; }
    [Id(11)] public string? Note { get; init; }
    [Id(12)] public ActionChannel Channel { get; init; }
    /// <summary>The green-channel hospital or linkage receiver it went to.</summary>
    [Id(13)] public string? ReceiverId { get; init; }
    [Id(14)] public SheetDelivery? Delivery { get; init; }
    /// <summary>The hospital's answer: true accepted, false refused.</summary>
    [Id(15)] public bool? HospitalAccepted { get; init; }
    [Id(16)] public string? ApprovedBy { get; init; }
    /// <summary>Seconds allowed per state, from the rule (overrides of the defaults).</summary>
    [Id(17)] public System.Collections.Immutable.ImmutableArray<StateDeadline> Deadlines { get; init; } = [];
    /// <summary>The deadline already raised as overdue (so one overdue state raises one alert).</summary>
    [Id(18)] public DateTimeOffset? OverdueRaisedFor { get; init; }
    /// <summary>The action whose failure proposed this one.</summary>
    [Id(19)] public string? FollowsActionId { get; init; }

    public bool IsOpen => State is not (ActionState.Completed or ActionState.Failed or ActionState.Cancelled);
}

/// <summary>Seconds an action may stay in a state before it is overdue.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.state-deadline")]
public sealed record StateDeadline([property: Id(0)] ActionState State, [property: Id(1)] int Seconds);
