using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Records;

/// <summary>Suicide risk on the call (domain.md §4.1): the effective level; the assessment's <c>CrisisLevel</c> tells none from low.</summary>
[GenerateSerializer]
public enum RiskLevel
{
    NotAssessed = 0,
    NoneOrLow = 1,
    Moderate = 2,
    High = 3,
    Imminent = 4,
}

/// <summary>The contact record (来电登记 / 处理记录) a counsellor fills in during and after a call (domain.md §6).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.contact-record-data")]
public sealed record ContactRecord
{
    [Id(0)] public string? AgeBand { get; init; }
    [Id(1)] public string? Gender { get; init; }
    [Id(2)] public string? Region { get; init; }
    [Id(3)] public bool? RepeatCaller { get; init; }
    [Id(4)] public ImmutableArray<string> ProblemCategories { get; init; } = [];
    [Id(5)] public RiskLevel Risk { get; init; }
    [Id(6)] public string? Interventions { get; init; }
    [Id(7)] public string? Referral { get; init; }
    [Id(8)] public string? Outcome { get; init; }
    [Id(9)] public string? FollowUpPlan { get; init; }
    [Id(10)] public string? Note { get; init; }
    /// <summary>The structured assessment; when present, <see cref="Risk"/> is its effective level (set by the server).</summary>
    [Id(11)] public Crises.RiskAssessment? Assessment { get; init; }

    /// <summary>The problem categories of the provincial report forms.</summary>
    public static ImmutableArray<string> Categories { get; } =
        ["健康", "精神疾病", "情绪", "学业", "恋爱", "婚姻", "家庭", "子女教育", "人际", "职场", "性", "丧失与哀伤", "其他"];
}

[GenerateSerializer]
public enum RecordStatus
{
    Empty = 0,
    Draft = 1,
    Submitted = 2,
}

/// <summary>A call's record as stored: the latest draft or the submitted version.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.contact-record-view")]
public sealed record ContactRecordView(
    [property: Id(0)] string CallId,
    [property: Id(1)] RecordStatus Status,
    [property: Id(2)] ContactRecord Record,
    [property: Id(3)] string? CounselorId,
    [property: Id(4)] DateTimeOffset? SavedAt);

/// <summary>The contact record of one call (key: the call id). Drafts autosave; submit validates.</summary>
[Alias("hotline.contact-record")]
public interface IContactRecordGrain : IGrainWithStringKey
{
    [Alias("save-draft")]
    Task<ContactRecordView> SaveDraftAsync(ContactRecord record, string counselorId);

    /// <summary>Validates and submits; a rule error listing every missing or invalid field otherwise.</summary>
    [Alias("submit")]
    Task<ContactRecordView> SubmitAsync(ContactRecord record, string counselorId);

    [Alias("get"), ReadOnly]
    Task<ContactRecordView> GetAsync();

    /// <summary>
    /// The call ended for its counsellor: until the record is submitted the server watches it, and past the centre's
    /// <c>RecordSubmitWithinMinutes</c> the supervisor is alerted (one-way from the counsellor grain).
    /// </summary>
    [Alias("watch"), OneWay]
    Task WatchAsync(string counselorId, string centreId, DateTimeOffset endedAt);
}
