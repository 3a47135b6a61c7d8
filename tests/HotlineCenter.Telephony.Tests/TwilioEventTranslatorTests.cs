using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Telephony.Tests;

public sealed class TwilioEventTranslatorTests
{
    [Theory]
    [InlineData("completed")]
    [InlineData("busy")]
    [InlineData("no-answer")]
    [InlineData("canceled")]
    [InlineData("failed")]
    public void Any_terminal_caller_status_is_one_hang_up_with_one_key(string status)
    {
        var ev = TwilioEventTranslator.CallerLeg("CA1", status, "Tue, 24 Nov 2026 08:00:00 +0000");

        Assert.NotNull(ev);
        Assert.Equal(ProviderEventKind.CallerHungUp, ev.Kind);
        Assert.Equal("CA1:caller-ended", ev.EventKey);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero), ev.OccurredAt);
    }

    [Theory]
    [InlineData("ringing")]
    [InlineData("in-progress")]
    [InlineData("queued")]
    [InlineData("some-future-status")]
    [InlineData(null)]
    public void Non_terminal_or_unknown_caller_status_changes_nothing(string? status) =>
        Assert.Null(TwilioEventTranslator.CallerLeg("CA1", status, null));

    [Theory]
    [InlineData("in-progress", ProviderEventKind.CounselorAnswered)]
    [InlineData("no-answer", ProviderEventKind.CounselorNoAnswer)]
    [InlineData("busy", ProviderEventKind.CounselorNoAnswer)]
    [InlineData("completed", ProviderEventKind.CounselorHungUp)]
    public void Counselor_leg_statuses_map_to_neutral_events(string status, ProviderEventKind kind)
    {
        var ev = TwilioEventTranslator.CounselorLeg("CA2", "c-wang", status, null);

        Assert.Equal(kind, ev!.Kind);
        Assert.Equal("c-wang", ev.CounselorId);
        Assert.Equal(ev.EventKey, TwilioEventTranslator.CounselorLeg("CA2", "c-wang", status, null)!.EventKey);
    }

    [Theory]
    [InlineData("participant-hold", "caller", ProviderEventKind.Held)]
    [InlineData("participant-unhold", "caller", ProviderEventKind.Resumed)]
    public void Caller_hold_and_unhold_are_recorded(string evt, string label, ProviderEventKind kind)
    {
        var ev = TwilioEventTranslator.Conference("CF1", evt, label, "7", null);

        Assert.Equal(kind, ev!.Kind);
        Assert.Equal($"CF1:{evt}:7", ev.EventKey);
    }

    [Theory]
    [InlineData("participant-hold", "counselor-c-wang")]
    [InlineData("participant-join", "caller")]
    [InlineData("conference-end", null)]
    [InlineData("some-new-event", "caller")]
    public void Other_conference_events_change_nothing(string evt, string? label) =>
        Assert.Null(TwilioEventTranslator.Conference("CF1", evt, label, "1", null));

    [Fact]
    public void Unreadable_timestamp_is_tolerated() =>
        Assert.Equal(default, TwilioEventTranslator.ParseTimestamp("yesterday-ish"));
}

public sealed class TwilioCallbackLegTranslatorTests
{
    [Theory]
    [InlineData("in-progress", ProviderEventKind.CallbackAnswered, "CB1:callback-answered")]
    [InlineData("answered", ProviderEventKind.CallbackAnswered, "CB1:callback-answered")]
    [InlineData("busy", ProviderEventKind.CallbackNotAnswered, "CB1:callback-not-answered")]
    [InlineData("no-answer", ProviderEventKind.CallbackNotAnswered, "CB1:callback-not-answered")]
    [InlineData("failed", ProviderEventKind.CallbackNotAnswered, "CB1:callback-not-answered")]
    [InlineData("canceled", ProviderEventKind.CallbackNotAnswered, "CB1:callback-not-answered")]
    [InlineData("completed", ProviderEventKind.CallerHungUp, "CB1:caller-ended")]
    public void Callback_leg_is_answered_only_on_pick_up_and_unanswered_on_busy_no_answer_or_failure(string status, ProviderEventKind kind, string key)
    {
        var ev = TwilioEventTranslator.CallbackLeg("CB1", status, "Tue, 24 Nov 2026 08:00:00 +0000");

        Assert.NotNull(ev);
        Assert.Equal((kind, key, new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero)), (ev.Kind, ev.EventKey, ev.OccurredAt));
    }

    [Theory]
    [InlineData("initiated")]
    [InlineData("ringing")]
    [InlineData("queued")]
    [InlineData(null)]
    public void Callback_leg_progress_changes_nothing(string? status) =>
        Assert.Null(TwilioEventTranslator.CallbackLeg("CB1", status, null));

    [Theory]
    [InlineData("conference-start", false)]
    [InlineData("participant-join", false)]
    [InlineData("conference-end", true)]
    public void Conference_start_and_join_name_the_conference_and_its_end_ends_it(string statusCallbackEvent, bool ended)
    {
        var sid = "CF" + new string('a', 32);

        Assert.Equal(new ConferenceChange(sid, ended), TwilioEventTranslator.ConferenceLifecycle(sid, statusCallbackEvent));
    }

    [Theory]
    [InlineData("participant-leave")]
    [InlineData("participant-hold")]
    [InlineData("announcement-end")]
    [InlineData(null)]
    public void Other_conference_events_say_nothing_about_which_conference_it_is(string? statusCallbackEvent) =>
        Assert.Null(TwilioEventTranslator.ConferenceLifecycle("CF" + new string('a', 32), statusCallbackEvent));

    [Theory]
    [InlineData("in-progress", FollowUpDialOutcome.Answered)]
    [InlineData("answered", FollowUpDialOutcome.Answered)]
    [InlineData("completed", FollowUpDialOutcome.Completed)]
    [InlineData("busy", FollowUpDialOutcome.Busy)]
    [InlineData("no-answer", FollowUpDialOutcome.NoAnswer)]
    [InlineData("canceled", FollowUpDialOutcome.NoAnswer)]
    [InlineData("failed", FollowUpDialOutcome.Failed)]
    public void A_follow_up_dials_status_is_its_outcome(string status, FollowUpDialOutcome outcome) =>
        Assert.Equal(outcome, TwilioEventTranslator.FollowUpDial(status));

    [Theory]
    [InlineData("queued")]
    [InlineData("ringing")]
    [InlineData("initiated")]
    [InlineData("some-future-status")]
    [InlineData(null)]
    public void A_follow_up_dial_still_on_its_way_or_unknown_yields_nothing(string? status) =>
        Assert.Null(TwilioEventTranslator.FollowUpDial(status));
}
