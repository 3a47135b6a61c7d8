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
    /// <summary>The caller's self-reported province (one of <see cref="ChinaRegions"/>); <see cref="Region"/> is the older free text.</summary>
    [Id(12)] public string? Province { get; init; }
    /// <summary>The city within <see cref="Province"/>.</summary>
    [Id(13)] public string? City { get; init; }
    /// <summary>代他人求助: the caller is calling about someone else.</summary>
    [Id(14)] public bool? ThirdParty { get; init; }
    /// <summary>The caller's relation to the person they call about (one of <see cref="RecordChoices.Relations"/>).</summary>
    [Id(15)] public string? ThirdPartyRelation { get; init; }
    /// <summary>Interventions given (codes of <see cref="RecordChoices.Interventions"/>); <see cref="Interventions"/> is the older free text.</summary>
    [Id(16)] public ImmutableArray<string> InterventionsGiven { get; init; } = [];
    /// <summary>Referrals made (codes of <see cref="RecordChoices.Referrals"/>); <see cref="Referral"/> is the older free text.</summary>
    [Id(17)] public ImmutableArray<string> Referrals { get; init; } = [];
    /// <summary>What "other" referral was made, when <see cref="Referrals"/> holds <c>other</c>.</summary>
    [Id(18)] public string? ReferralOther { get; init; }

    /// <summary>The problem categories of the provincial report forms.</summary>
    public static ImmutableArray<string> Categories { get; } =
        ["健康", "精神疾病", "情绪", "学业", "恋爱", "婚姻", "家庭", "子女教育", "人际", "职场", "性", "丧失与哀伤", "其他"];
}

/// <summary>
/// The choices of the record's category fields, as stable codes (screens word them with <c>AgeBand_{code}</c> and the
/// like; the provincial form's Chinese headings are in the report export). Add codes at the end, never rename one.
/// </summary>
public static class RecordChoices
{
    public const string Unknown = "unknown";

    /// <summary>The age bands of the provincial form: &lt;14, 14–17, 18–24, 25–34, 35–44, 45–59, ≥60, 未知.</summary>
    public static ImmutableArray<string> AgeBands { get; } = ["0-13", "14-17", "18-24", "25-34", "35-44", "45-59", "60+", Unknown];

    public static ImmutableArray<string> Genders { get; } = ["male", "female", Unknown];

    /// <summary>Who a third-party caller is to the person they call about.</summary>
    public static ImmutableArray<string> Relations { get; } = ["parent", "partner", "child", "relative", "friend", "classmate-colleague", "teacher", "other"];

    public static ImmutableArray<string> Interventions { get; } =
        ["listening", "emotional-support", "education", "counselling", "crisis-intervention", "safety-plan", "resources", "other"];

    /// <summary>Referrals: psychiatric hospital, community rehabilitation (精康融合), school counselling, legal aid, other (with text).</summary>
    public static ImmutableArray<string> Referrals { get; } = ["hospital", "community", "school", "legal-aid", "other"];

    /// <summary>First-time or repeat caller, as the statistics count them.</summary>
    public const string FirstTime = "first";
    public const string Repeat = "repeat";

    /// <summary>The provincial form's Chinese heading of an age band (what a dispatch sheet or an export says); other text as it is.</summary>
    public static string AgeBandText(string code) => code switch
    {
        "0-13" => "14岁以下",
        "14-17" => "14–17岁",
        "18-24" => "18–24岁",
        "25-34" => "25–34岁",
        "35-44" => "35–44岁",
        "45-59" => "45–59岁",
        "60+" => "60岁及以上",
        Unknown => "未知",
        _ => code,
    };

    public static string GenderText(string code) => code switch { "male" => "男", "female" => "女", Unknown => "未知", _ => code };
}

[GenerateSerializer]
public enum RecordStatus
{
    Empty = 0,
    Draft = 1,
    Submitted = 2,
}

/// <summary>
/// One counsellor's part of a call's record as stored: the latest draft or the submitted version. A submitted part is
/// never edited: <see cref="Record"/> is the record as amended, <see cref="Amendments"/> every correction appended to it.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.contact-record-view")]
public sealed record ContactRecordView(
    [property: Id(0)] string CallId,
    [property: Id(1)] RecordStatus Status,
    [property: Id(2)] ContactRecord Record,
    [property: Id(3)] string? CounselorId,
    [property: Id(4)] DateTimeOffset? SavedAt,
    [property: Id(5)] ImmutableArray<RecordAmendment> Amendments = default)
{
    /// <summary>The amendments, oldest first (none for a record never amended).</summary>
    public ImmutableArray<RecordAmendment> AmendmentsOrEmpty => Amendments.IsDefault ? [] : Amendments;
}

/// <summary>One field an amendment changed, as the record shows it (codes and text; <c>null</c> for an empty field).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.record-field-change")]
public sealed record RecordFieldChange(
    [property: Id(0)] string Field,
    [property: Id(1)] string? Old,
    [property: Id(2)] string? New);

/// <summary>A correction of a submitted part: who, when, why, and each field old → new. Appended, never edited.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.record-amendment")]
public sealed record RecordAmendment(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Author,
    [property: Id(3)] string Reason,
    [property: Id(4)] ImmutableArray<RecordFieldChange> Changes);

/// <summary>
/// The contact record of one call (key: the call id), in one part per counsellor who took the call: a call answered by
/// two counsellors in turn (the first one's leg dropped and the caller was re-queued) has a part each, which each of
/// them drafts, finishes and is watched for on their own. Drafts autosave; submit validates.
/// </summary>
[Alias("hotline.contact-record")]
public interface IContactRecordGrain : IGrainWithStringKey
{
    /// <summary>Saves the counsellor's part as a draft (only a counsellor the call was connected to has a part).</summary>
    [Alias("save-draft")]
    Task<ContactRecordView> SaveDraftAsync(ContactRecord record, string counselorId);

    /// <summary>Validates and submits the counsellor's part; a rule error listing every missing or invalid field otherwise.</summary>
    [Alias("submit")]
    Task<ContactRecordView> SubmitAsync(ContactRecord record, string counselorId);

    /// <summary>The part saved last (the whole record of a call one counsellor took); empty when nobody wrote one.</summary>
    [Alias("get"), ReadOnly]
    Task<ContactRecordView> GetAsync();

    /// <summary>The counsellor's own part; empty (status <see cref="RecordStatus.Empty"/>) when they wrote none.</summary>
    [Alias("get-part"), ReadOnly]
    Task<ContactRecordView> GetPartAsync(string counselorId);

    /// <summary>Every part, in the order they were first saved.</summary>
    [Alias("get-parts"), ReadOnly]
    Task<ImmutableArray<ContactRecordView>> GetPartsAsync();

    /// <summary>
    /// The call ended for this counsellor (or their leg dropped and the caller went back to the queue): until their part is
    /// submitted the server watches it, and past the centre's <c>RecordSubmitWithinMinutes</c> the supervisor is alerted
    /// (one-way from the counsellor grain).
    /// </summary>
    [Alias("watch"), OneWay]
    Task WatchAsync(string counselorId, string centreId, DateTimeOffset endedAt);

    /// <summary>
    /// Appends an amendment to a submitted part (the part of <paramref name="counselorId"/>): <paramref name="corrected"/> is the
    /// whole part as it should read, validated as a submission; the grain keeps the fields that differ (old → new) with
    /// <paramref name="author"/>, the time and the required <paramref name="reason"/>. Refused for a part not submitted,
    /// without a reason, with no change, or changing the structured risk assessment. The statistics keep the first
    /// submission's figures (docs/security.md).
    /// </summary>
    [Alias("amend")]
    Task<ContactRecordView> AmendAsync(string counselorId, ContactRecord corrected, string author, string reason);

    /// <summary>
    /// The retention purge: deletes the stored record when every part was last saved at or before <paramref name="cutoff"/>.
    /// </summary>
    [Alias("purge")]
    Task<Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff);
}
