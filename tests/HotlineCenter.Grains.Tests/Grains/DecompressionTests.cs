using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>After a crisis call a counsellor gets time offered no calls (减压), ended by its clock or a supervisor; and a cap on crisis calls per shift.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DecompressionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task After_a_crisis_call_the_counsellor_is_offered_nothing_for_the_centres_minutes_then_gets_the_waiting_call()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (crisis, wang) = await CrisisCallAsync(s, "crisis", "wang");
        var wangId = wang.GetPrimaryKeyString();

        await crisis.EndByCounselorAsync(wangId);
        var calm = await s.WaitForStateAsync(wang, PresenceState.Decompression);
        var waiting = await s.PlaceCallAsync("next", "2");
        await s.WaitForCallAsync(waiting, c => c.Status == CallStatus.Queued, "the next call queued");
        fixture.Time.Advance(TimeSpan.FromMinutes(9));
        await wang.WakeAsync();
        var stillCalm = await wang.GetAsync();
        var callMeanwhile = await waiting.GetAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var offered = await s.WaitForStateAsync(wang, PresenceState.Offered);

        Assert.Equal(calm.StateSince.AddMinutes(CentreConfig.DefaultDecompressionMinutes), calm.DecompressionUntil);
        Assert.Equal(crisis.GetPrimaryKeyString(), calm.CallId);
        Assert.Equal(1, calm.HighRiskCallsThisShift);
        Assert.Equal(PresenceState.Decompression, stillCalm.State);
        Assert.Equal(CallStatus.Queued, callMeanwhile.Status);
        Assert.Equal(waiting.GetPrimaryKeyString(), offered.CallId);
    }

    [Fact]
    public async Task The_counsellor_cannot_end_decompression_but_a_supervisor_can_and_the_debrief_is_kept_for_them()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (crisis, li) = await CrisisCallAsync(s, "crisis", "li");
        var crisisId = crisis.GetPrimaryKeyString();
        await crisis.EndByCounselorAsync(li.GetPrimaryKeyString());
        await s.WaitForStateAsync(li, PresenceState.Decompression);

        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => li.ChangePresenceAsync(PresenceState.Available, "console"));
        var refusedBreak = await Assert.ThrowsAsync<HotlineRuleException>(() => li.ChangePresenceAsync(PresenceState.Break, "console"));
        var afterRefusal = await li.GetAsync();
        var notTheirs = await Assert.ThrowsAsync<HotlineRuleException>(() => li.SaveDebriefAsync("CAsomeoneelse", "很累"));
        var empty = await Assert.ThrowsAsync<HotlineRuleException>(() => li.SaveDebriefAsync(crisisId, "  "));
        var written = await li.SaveDebriefAsync(crisisId, "来电者情绪激动，已转120；我需要喝口水。");
        var waiting = await s.PlaceCallAsync("next", "2");
        await s.WaitForCallAsync(waiting, c => c.Status == CallStatus.Queued, "the next call queued");
        var ended = await li.EndDecompressionAsync("sup-zhou", "她说可以继续");
        var offered = await s.WaitForStateAsync(li, PresenceState.Offered);
        var debriefs = await li.GetDebriefsAsync();
        var notCalm = await Assert.ThrowsAsync<HotlineRuleException>(() => li.EndDecompressionAsync("sup-zhou", "again"));

        Assert.Equal(("presence.decompression", "presence.decompression"), (refused.Code, refusedBreak.Code));
        Assert.Equal((PresenceState.Decompression, crisisId), (afterRefusal.State, afterRefusal.CallId));
        Assert.Equal(("debrief.not-your-call", "debrief.empty"), (notTheirs.Code, empty.Code));
        Assert.True(written.DebriefWritten);
        Assert.Equal(PresenceState.Available, ended.State);
        Assert.Contains("supervisor:sup-zhou", ended.RecentChanges[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(waiting.GetPrimaryKeyString(), offered.CallId);
        Assert.Equal((crisisId, "来电者情绪激动，已转120；我需要喝口水。"), (Assert.Single(debriefs).CallId, debriefs[0].Note));
        Assert.Equal("presence.not-in-decompression", notCalm.Code);
    }

    [Fact]
    public async Task Signing_out_is_allowed_in_decompression_and_submitting_the_record_does_not_shorten_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (crisis, zhao) = await CrisisCallAsync(s, "crisis", "zhao");
        await crisis.EndByCounselorAsync(zhao.GetPrimaryKeyString());
        var calm = await s.WaitForStateAsync(zhao, PresenceState.Decompression);

        var afterRecord = await zhao.CompleteWrapUpAsync();
        var signedOut = await zhao.ChangePresenceAsync(PresenceState.Offline, "end of shift");

        Assert.Equal((PresenceState.Decompression, calm.DecompressionUntil), (afterRecord.State, afterRecord.DecompressionUntil));
        Assert.Equal((PresenceState.Offline, (DateTimeOffset?)null), (signedOut.State, signedOut.DecompressionUntil));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 10)]
    public async Task Without_decompression_or_after_an_ordinary_call_the_counsellor_goes_to_wrap_up(bool crisis, int minutes)
    {
        var s = await Scenario.CreateAsync(fixture);
        await ReconfigureAsync(s, c => c with { DecompressionMinutes = minutes });
        var (call, chen) = crisis ? await CrisisCallAsync(s, "call", "chen") : await s.ConnectedCallAsync("call", "chen");

        await call.EndByCounselorAsync(chen.GetPrimaryKeyString());
        var after = await s.WaitForStateAsync(chen, PresenceState.WrapUp);

        Assert.Null(after.DecompressionUntil);
        Assert.Equal(crisis ? 1 : 0, after.HighRiskCallsThisShift);
    }

    [Fact]
    public async Task Night_with_a_cap_of_one_crisis_call_the_second_goes_to_the_colleague_and_the_third_back_when_nobody_else_is_free()
    {
        var s = await Scenario.CreateAsync(fixture);
        await ReconfigureAsync(s, c => c with { HighRiskCallsPerShift = 1, DecompressionMinutes = 0 });
        var (first, wang) = await CrisisCallAsync(s, "first", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await first.EndByCounselorAsync(wangId);
        await s.WaitForStateAsync(wang, PresenceState.WrapUp);
        await wang.CompleteWrapUpAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var li = await s.AvailableCounselorAsync("li");

        // Wang has been free longer, so without the cap the crisis call would be his.
        var second = await s.PlaceCallAsync("second", "1");
        var liOffered = await s.WaitForStateAsync(li, PresenceState.Offered);
        var wangMeanwhile = await wang.GetAsync();
        await li.AcceptOfferAsync(second.GetPrimaryKeyString());
        var third = await s.PlaceCallAsync("third", "1");
        var wangOffered = await s.WaitForStateAsync(wang, PresenceState.Offered);

        Assert.Equal(second.GetPrimaryKeyString(), liOffered.CallId);
        Assert.Equal((PresenceState.Available, 1), (wangMeanwhile.State, wangMeanwhile.HighRiskCallsThisShift));
        Assert.Equal(third.GetPrimaryKeyString(), wangOffered.CallId);
    }

    [Fact]
    public async Task A_new_shift_starts_the_crisis_count_again()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (crisis, sun) = await CrisisCallAsync(s, "crisis", "sun");
        await crisis.EndByCounselorAsync(sun.GetPrimaryKeyString());
        await s.WaitForStateAsync(sun, PresenceState.Decompression);

        await sun.ChangePresenceAsync(PresenceState.Offline, "end of shift");
        var nextShift = await sun.ChangePresenceAsync(PresenceState.Available, "sign in");

        Assert.Equal(0, nextShift.HighRiskCallsThisShift);
    }

    private async Task<(ICallGrain Call, ICounselorGrain Counselor)> CrisisCallAsync(Scenario s, string name, string counselorName)
    {
        var counselor = await s.AvailableCounselorAsync(counselorName);
        var call = await s.PlaceCallAsync(name, "1");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await counselor.AcceptOfferAsync(call.GetPrimaryKeyString());
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected && c.IsCrisis, "crisis call connected");
        return (call, counselor);
    }

    private async Task ReconfigureAsync(Scenario s, Func<CentreConfig, CentreConfig> change)
    {
        var centre = fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);
        await centre.ConfigureAsync(change((await centre.GetConfigAsync())!));
    }
}
