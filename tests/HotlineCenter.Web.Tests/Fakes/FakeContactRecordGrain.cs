using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Records;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>
/// A call's contact record held in memory, applying the real grain's rules (a submitted record is final, only its
/// counsellor writes it, <see cref="ContactRecordValidator"/>) so a form test sees the grain's rule errors.
/// </summary>
public sealed class FakeContactRecordGrain(string callId, TimeProvider time) : IContactRecordGrain
{
    private readonly List<ContactRecord> _drafts = [];
    private readonly List<ContactRecord> _submissions = [];

    public RecordStatus Status { get; private set; }

    public ContactRecord Record { get; private set; } = new();

    public string? CounselorId { get; private set; }

    public DateTimeOffset? SavedAt { get; private set; }

    /// <summary>Every draft the grain accepted, oldest first.</summary>
    public IReadOnlyList<ContactRecord> Drafts => _drafts;

    /// <summary>Every submission the grain accepted.</summary>
    public IReadOnlyList<ContactRecord> Submissions => _submissions;

    /// <summary>When set, the next write fails with this (a silo or storage fault, not a rule).</summary>
    public Exception? FailNextWriteWith { get; set; }

    /// <summary>A record stored before the form opens (a draft from before a refresh, or someone else's).</summary>
    public FakeContactRecordGrain Seed(RecordStatus status, ContactRecord record, string counselorId, DateTimeOffset savedAt)
    {
        (Status, Record, CounselorId, SavedAt) = (status, record, counselorId, savedAt);
        return this;
    }

    /// <summary>When set, reads answer with what was stored when they were asked, once the gate opens (a slow read).</summary>
    public TaskCompletionSource? HoldReads { get; set; }

    public Task WatchAsync(string counselorId, string centreId, DateTimeOffset endedAt) => Task.CompletedTask;

    public async Task<ContactRecordView> GetAsync()
    {
        var view = View();
        if (HoldReads is { } gate)
        {
            await gate.Task;
        }

        return view;
    }

    /// <summary>One part is all this fake holds: the counsellor's own, or empty for anyone else.</summary>
    public async Task<ContactRecordView> GetPartAsync(string counselorId) =>
        CounselorId is null || CounselorId == counselorId ? await GetAsync() : new ContactRecordView(callId, RecordStatus.Empty, new ContactRecord(), counselorId, null);

    public Task<System.Collections.Immutable.ImmutableArray<ContactRecordView>> GetPartsAsync() =>
        Task.FromResult(Status == RecordStatus.Empty ? System.Collections.Immutable.ImmutableArray<ContactRecordView>.Empty : [View()]);

    public Task<ContactRecordView> SaveDraftAsync(ContactRecord record, string counselorId) => Store(record, counselorId, submitting: false);

    public Task<ContactRecordView> SubmitAsync(ContactRecord record, string counselorId) => Store(record, counselorId, submitting: true);

    private Task<ContactRecordView> Store(ContactRecord record, string counselorId, bool submitting)
    {
        if (FailNextWriteWith is { } fault)
        {
            FailNextWriteWith = null;
            throw fault;
        }

        if (Status == RecordStatus.Submitted)
        {
            throw new HotlineRuleException("record.submitted", "This record was submitted already.");
        }

        if (CounselorId is { } owner && owner != counselorId)
        {
            throw new HotlineRuleException("record.not-yours", "Only the counsellor who took the call writes its record.");
        }

        var problems = ContactRecordValidator.Problems(record, submitting);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("record.invalid", string.Join("; ", problems));
        }

        (submitting ? _submissions : _drafts).Add(record);
        (Status, Record, CounselorId, SavedAt) = (submitting ? RecordStatus.Submitted : RecordStatus.Draft, record, counselorId, time.GetUtcNow());
        return Task.FromResult(View());
    }

    private readonly List<RecordAmendment> _amendments = [];

    /// <summary>Amendments the grain appended, by the real grain's rules (<see cref="RecordAmendments"/>).</summary>
    public IReadOnlyList<RecordAmendment> Amendments => _amendments;

    public Task<ContactRecordView> AmendAsync(string counselorId, ContactRecord corrected, string author, string reason)
    {
        if (Status != RecordStatus.Submitted || CounselorId != counselorId)
        {
            throw new HotlineRuleException("record.not-submitted", "Only a submitted record is amended.");
        }

        var problems = RecordAmendments.Problems(Record, corrected, reason);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException(problems[0].Code, problems[0].Text);
        }

        _amendments.Add(new RecordAmendment(_amendments.Count + 1, time.GetUtcNow(), author, reason.Trim(), RecordAmendments.Diff(Record, corrected)));
        Record = corrected;
        return Task.FromResult(View());
    }

    public Task<HotlineCenter.Abstractions.Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff) =>
        Task.FromResult(HotlineCenter.Abstractions.Retention.PurgeOutcome.Kept);

    private ContactRecordView View() => new(callId, Status, Record, CounselorId, SavedAt, [.. _amendments]);
}
