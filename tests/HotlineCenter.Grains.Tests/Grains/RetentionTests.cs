using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Abstractions.Retention;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Retention;
using HotlineCenter.Grains.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// The retention purge on the fake clock: after three years it removes exactly the calls, records, closed cases and
/// finished follow-ups past retention (and recordings past 180 days) and leaves the rest; the encrypted number leaves a
/// call once nothing needs it; submitted records take amendments, never edits.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RetentionTests(ClusterFixture fixture)
{
    private static ContactRecord Finished(RiskLevel risk = RiskLevel.NoneOrLow) => new()
    {
        Risk = risk, ProblemCategories = ["情绪"], Outcome = "情绪平稳", AgeBand = "25-34", Gender = "female", RepeatCaller = false,
        FollowUpPlan = risk >= RiskLevel.Moderate ? "三天内回访" : null,
    };

    private IContactRecordGrain Record(ICallGrain call) => fixture.Grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());

    private IFollowUpGrain FollowUp(ICallGrain call) => fixture.Grains.GetGrain<IFollowUpGrain>(call.GetPrimaryKeyString());

    private ICrisisCaseGrain Case(ICallGrain call) => fixture.Grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(call.GetPrimaryKeyString()));

    /// <summary>A call answered by a new counsellor, its record submitted, ended; a completed recording when asked.</summary>
    private async Task<ICallGrain> HandledCallAsync(Scenario s, string name, RiskLevel risk = RiskLevel.NoneOrLow, bool recorded = false, bool crisis = false)
    {
        var (call, counselor) = await s.ConnectedCallAsync(name, "c" + name);
        var counselorId = counselor.GetPrimaryKeyString();
        if (recorded)
        {
            await call.ApplyRecordingAsync(new RecordingInfo("RE" + s.CentreId + name, "completed", 300, fixture.Time.GetUtcNow()), s.NextKey());
        }

        if (crisis)
        {
            await call.DeclareCrisisAsync(counselorId);
        }

        await Record(call).SubmitAsync(Finished(risk), counselorId);
        await call.EndByCounselorAsync(counselorId);
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Ended, name + " ended");

        // Signed out, so the next call of the test goes to the next new counsellor.
        await Eventually.MatchesAsync(counselor.GetAsync, c => c.State is Abstractions.Counselors.PresenceState.WrapUp or Abstractions.Counselors.PresenceState.Decompression, name + " counsellor after the call");
        await counselor.ChangePresenceAsync(Abstractions.Counselors.PresenceState.Offline, "test");
        return call;
    }

    private async Task CloseCaseAsync(ICallGrain call)
    {
        var grain = Case(call);
        foreach (var open in (await grain.GetAsync()).Actions.Where(a => a.IsOpen))
        {
            await grain.CancelActionAsync(open.ActionId, "sup-zhao", "not needed in this test");
        }

        await grain.CloseAsync("sup-zhao", "来电者安全", HelpReached.Yes, null);
    }

    [Fact]
    public async Task After_three_years_the_purge_removes_exactly_what_expired_and_leaves_the_rest()
    {
        var s = await Scenario.CreateAsync(fixture);
        var t0 = fixture.Time.GetUtcNow();
        var done = await HandledCallAsync(s, "done", recorded: true);
        var openCase = await HandledCallAsync(s, "opencase", crisis: true);
        var closedCase = await HandledCallAsync(s, "closedcase", crisis: true);
        await CloseCaseAsync(closedCase);
        var openFollowUp = await HandledCallAsync(s, "openfu", RiskLevel.Moderate);
        var closedFollowUp = await HandledCallAsync(s, "closedfu", RiskLevel.Moderate);
        fixture.Time.Advance(TimeSpan.FromDays(1));
        await FollowUp(closedFollowUp).CloseAsync("sup-zhao", "来电者已联系上");

        // Two and a half years on, a newer call with a recording.
        fixture.Time.SetUtcNow(t0.AddYears(2).AddMonths(6));
        var recent = await HandledCallAsync(s, "recent", recorded: true);
        var retention = fixture.Grains.GetGrain<IRetentionGrain>(s.CentreId);
        var daysBefore = await Eventually.MatchesAsync(retention.GetDaysAsync, d => d.Length == 2, "both days indexed");

        fixture.Time.SetUtcNow(t0.AddYears(3).AddDays(2));
        var run = await retention.PurgeNowAsync();

        Assert.Equal((5, 5, 1, 1, 2, 2, 0), (run.Calls, run.Records, run.CrisisCases, run.FollowUps, run.Recordings, run.Kept, run.RecordingsFailed));
        Assert.Equal(["RE" + s.CentreId + "done", "RE" + s.CentreId + "recent"], fixture.Recordings.Deleted.Where(r => r.StartsWith("RE" + s.CentreId, StringComparison.Ordinal)).Order());

        // Gone: every expired call and record, the closed case, the closed follow-up.
        foreach (var call in new[] { done, openCase, closedCase, openFollowUp, closedFollowUp })
        {
            Assert.Null((await call.GetAsync()).ArrivedAt);
            Assert.Empty(await Record(call).GetPartsAsync());
        }

        Assert.Equal("crisis.unknown-case", (await Assert.ThrowsAsync<HotlineRuleException>(() => Case(closedCase).GetAsync())).Code);
        Assert.Equal("follow-up.unknown", (await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(closedFollowUp).GetAsync())).Code);

        // Kept: the open case and the open follow-up (whatever their age), the recent call and record without their recording.
        Assert.Equal(CaseStatus.Open, (await Case(openCase).GetAsync()).Status);
        Assert.Equal(FollowUpStatus.Open, (await FollowUp(openFollowUp).GetAsync()).Item.Status);
        var recentSnapshot = await recent.GetAsync();
        Assert.NotNull(recentSnapshot.ArrivedAt);
        Assert.Empty(recentSnapshot.Recordings);
        Assert.Equal(RecordStatus.Submitted, (await Record(recent).GetAsync()).Status);

        // The statistics are anonymous aggregates: the old day's figures stay.
        var day = fixture.Grains.GetGrain<IStatsGrain>(StatsCounter.Key(s.CentreId, t0));
        Assert.Equal(5, (await Eventually.MatchesAsync(day.GetFiguresAsync, f => f.Total.Received == 5, "the old day's figures")).Total.Received);

        // The old day stays indexed for what it still holds; a second run finds nothing more to remove.
        Assert.Equal<DateOnly>(daysBefore, await retention.GetDaysAsync());
        var again = await retention.PurgeNowAsync();
        Assert.Equal((0, 0, 0, 0, 0, 2), (again.Calls, again.Records, again.CrisisCases, again.FollowUps, again.Recordings, again.Kept));

        // Closed now, the case and follow-up are kept another three years from their closing.
        await CloseCaseAsync(openCase);
        await FollowUp(openFollowUp).CloseAsync("sup-zhao", "已完成");
        Assert.Equal(2, (await retention.PurgeNowAsync()).Kept);
        fixture.Time.SetUtcNow(t0.AddYears(6).AddDays(3));
        var last = await retention.PurgeNowAsync();
        Assert.Equal((1, 1, 1, 1, 0, 2), (last.Calls, last.Records, last.CrisisCases, last.FollowUps, last.Kept, last.DaysDropped));
        Assert.Empty(await retention.GetDaysAsync());
    }

    [Fact]
    public async Task A_recording_the_provider_refuses_to_delete_keeps_its_call_until_a_later_run_deletes_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var t0 = fixture.Time.GetUtcNow();
        var call = await HandledCallAsync(s, "refused", recorded: true);
        var sid = "RE" + s.CentreId + "refused";
        fixture.Recordings.Refuse[sid] = true;
        var retention = fixture.Grains.GetGrain<IRetentionGrain>(s.CentreId);
        await Eventually.MatchesAsync(retention.GetDaysAsync, d => d.Length == 1, "the day indexed");

        fixture.Time.SetUtcNow(t0.AddYears(3).AddDays(1));
        var refused = await retention.PurgeNowAsync();
        var kept = await call.GetAsync();
        fixture.Recordings.Refuse.TryRemove(sid, out _);
        var later = await retention.PurgeNowAsync();

        Assert.Equal((0, 1, 1), (refused.Calls, refused.RecordingsFailed, refused.Kept));
        Assert.Equal(sid, Assert.Single(kept.Recordings).RecordingSid);
        Assert.Equal((1, 1, 0), (later.Calls, later.Recordings, later.Kept));
        Assert.Null((await call.GetAsync()).ArrivedAt);
    }

    [Fact]
    public async Task The_purge_is_a_durable_reminder_and_runs_from_it_on_a_fresh_activation()
    {
        var s = await Scenario.CreateAsync(fixture);
        var t0 = fixture.Time.GetUtcNow();
        var call = await HandledCallAsync(s, "reminded");
        var retention = fixture.Grains.GetGrain<IRetentionGrain>(s.CentreId);

        // The first call registered the reminder (the start-up scheduler does the same for every centre).
        await Eventually.MatchesAsync(retention.GetDaysAsync, d => d.Length == 1, "the day indexed");
        var row = await ReminderRowAsync(s.CentreId);
        Assert.NotNull(row);
        Assert.Equal(RetentionRules.RunEvery, row.Period);

        // Every activation goes (as after a restart); the reminder's firing reads the days back from storage and purges.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        fixture.Time.SetUtcNow(t0.AddYears(3).AddDays(1));
        await retention.AsReference<IRemindable>().ReceiveReminder(RetentionGrain.Reminder, default);

        var run = await retention.GetLastRunAsync();
        Assert.Equal((1, 1, 1), (run!.Calls, run.Records, run.DaysDropped));
        Assert.Null((await call.GetAsync()).ArrivedAt);
        Assert.NotNull(await ReminderRowAsync(s.CentreId));
    }

    [Fact]
    public async Task The_call_drops_the_encrypted_number_once_the_call_is_over_and_its_record_submitted()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, counselor) = await s.ConnectedCallAsync("number", "wang");
        var wang = counselor.GetPrimaryKeyString();

        var whileConnected = await call.GetCallerRefForAsync(wang);
        await call.EndByCounselorAsync(wang);
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Ended, "ended");
        var endedNotSubmitted = await call.GetCallerRefForAsync(wang);
        await Record(call).SubmitAsync(Finished(RiskLevel.Moderate), wang);
        var afterSubmit = await call.GetCallerRefForAsync(wang);

        Assert.Equal(("enc-number", "enc-number"), (whileConnected!.EncryptedNumber, endedNotSubmitted!.EncryptedNumber));
        Assert.Null(afterSubmit!.EncryptedNumber);
        Assert.Equal("hash-number", afterSubmit.CallerHash);

        // The follow-up kept its own copy to dial, and forgets it when it closes.
        var open = await FollowUp(call).GetAsync();
        await FollowUp(call).CloseAsync("sup-zhao", "已联系");
        var closed = await FollowUp(call).GetAsync();
        Assert.True(open.Item.CanDial);
        Assert.False(closed.Item.CanDial);
    }

    [Fact]
    public async Task An_abandoned_call_with_no_counselor_drops_the_number_when_it_ends()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("gone", "2");
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Abandoned, "abandoned");

        // The stored call keeps its hash and masked number, not the encrypted number.
        var stored = await StoredCallerAsync(call);
        Assert.Equal(("hash-gone", null), (stored?.CallerHash, stored?.EncryptedNumber));
    }

    [Fact]
    public async Task A_submitted_record_refuses_edits_and_takes_amendments_appended_with_author_time_and_reason()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, counselor) = await s.ConnectedCallAsync("amend", "wang");
        var wang = counselor.GetPrimaryKeyString();
        var record = Record(call);
        var submitted = await record.SubmitAsync(Finished(), wang);
        var submittedAt = fixture.Time.GetUtcNow();

        var edit = await Assert.ThrowsAsync<HotlineRuleException>(() => record.SaveDraftAsync(submitted.Record with { AgeBand = "35-44" }, wang));
        var resubmit = await Assert.ThrowsAsync<HotlineRuleException>(() => record.SubmitAsync(submitted.Record with { AgeBand = "35-44" }, wang));
        var noReason = await Assert.ThrowsAsync<HotlineRuleException>(() => record.AmendAsync(wang, submitted.Record with { AgeBand = "35-44" }, wang, " "));
        fixture.Time.Advance(TimeSpan.FromMinutes(20));
        var first = await record.AmendAsync(wang, submitted.Record with { AgeBand = "35-44" }, wang, "来电者更正了年龄");
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await record.AmendAsync(wang, first.Record with { Note = "补充：提到失业" }, "sup-zhao", "督导复核补充");

        Assert.Equal(("record.submitted", "record.submitted", "record.amendment-reason"), (edit.Code, resubmit.Code, noReason.Code));
        Assert.Equal((RecordStatus.Submitted, "35-44", "补充：提到失业"), (second.Status, second.Record.AgeBand, second.Record.Note));
        Assert.Equal(2, second.Amendments.Length);
        Assert.Equal(first.Amendments[0] with { Changes = [] }, second.Amendments[0] with { Changes = [] });
        Assert.Equal<RecordFieldChange>(first.Amendments[0].Changes, second.Amendments[0].Changes);
        Assert.Equal((1, submittedAt.AddMinutes(20), wang, "来电者更正了年龄"), (second.Amendments[0].Number, second.Amendments[0].At, second.Amendments[0].Author, second.Amendments[0].Reason));
        Assert.Equal<RecordFieldChange>([new RecordFieldChange("age-band", "25-34", "35-44")], second.Amendments[0].Changes);
        Assert.Equal(("sup-zhao", 2), (second.Amendments[1].Author, second.Amendments[1].Number));
        Assert.Equal<RecordFieldChange>([new RecordFieldChange("note", null, "补充：提到失业")], second.Amendments[1].Changes);
        var read = await record.GetPartAsync(wang);
        Assert.Equal((2, "35-44", "补充：提到失业"), (read.Amendments.Length, read.Record.AgeBand, read.Record.Note));

        // The statistics keep the first submission's figures (docs/security.md).
        var arrived = (await call.GetAsync()).ArrivedAt!.Value;
        var figures = await Eventually.MatchesAsync(
            fixture.Grains.GetGrain<IHourStatsGrain>(StatsCounter.HourKey(s.CentreId, arrived)).GetAsync, f => f.RecordsSubmitted == 1, "the record counted");
        Assert.Equal(1, figures.AgeBands["25-34"]);
        Assert.False(figures.AgeBands.ContainsKey("35-44"));
    }

    [Fact]
    public async Task A_draft_is_not_amended()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, counselor) = await s.ConnectedCallAsync("draftamend", "wang");
        var wang = counselor.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(new ContactRecord { Outcome = "草稿" }, wang);

        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => Record(call).AmendAsync(wang, Finished(), wang, "更正"));

        Assert.Equal("record.not-submitted", refused.Code);
    }

    private async Task<CallerRef?> StoredCallerAsync(ICallGrain call)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var storage = silo.SiloHost!.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(Abstractions.Common.StorageNames.Hotline);
        var state = new GrainState<HotlineCenter.Grains.Calls.CallState>();
        await storage.ReadStateAsync("call", call.GetGrainId(), state);
        return state.State?.Caller;
    }

    /// <summary>The row in the silo's reminder table (Redis in production): what survives a restart.</summary>
    private async Task<Orleans.ReminderEntry?> ReminderRowAsync(string centreId)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var table = silo.SiloHost!.Services.GetRequiredService<Orleans.IReminderTable>();
        return await table.ReadRow(fixture.Grains.GetGrain<IRetentionGrain>(centreId).GetGrainId(), RetentionGrain.Reminder);
    }
}
