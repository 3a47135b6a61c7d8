using System.Collections.Immutable;
using Bunit;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Web.Components.Shared;
using HotlineCenter.Web.Components.Wallboard;
using HotlineCenter.Web.Tests.Fakes;
using MudBlazor;

namespace HotlineCenter.Web.Tests;

public sealed class WallboardTileTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = Start;

    private static string Text(IRenderedComponent<KpiTiles> tiles, string id) => tiles.Find($"[data-testid=kpi-{id}]").TextContent.Trim();

    [Fact]
    public void Kpi_tiles_show_counts_rates_and_times_formatted()
    {
        // 8 answered and 2 abandoned of 11 received (one still waiting); 6 answered within 20 s;
        // 200 s of waiting over 8 answers; 7 handled calls took 4 235 s.
        var today = new DayStats(Received: 11, Answered: 8, Abandoned: 2, AnsweredWithin20Seconds: 6, TotalWaitAnsweredSeconds: 200,
            Handled: 7, TotalHandleSeconds: 4235, LongestWaitSeconds: 95, CrisisCalls: 1);

        var tiles = Render<KpiTiles>(p => p.Add(x => x.Today, today));

        Assert.Equal(
            ["11", "8", "80%", "2", "00:25", "60%", "10:05"],
            new[] { "received", "answered", "answer-rate", "abandoned", "asa", "service-level", "aht" }.Select(id => Text(tiles, id)));
        Assert.Contains("接通率", tiles.Markup);
    }

    [Fact]
    public void Kpi_tiles_show_a_dash_for_rates_before_any_call_is_answered_or_abandoned()
    {
        var tiles = Render<KpiTiles>(p => p.Add(x => x.Today, DayStats.Empty with { Received = 1 }));

        Assert.Equal("1", Text(tiles, "received"));
        Assert.Equal(["—", "—", "—", "—"], new[] { "answer-rate", "asa", "service-level", "aht" }.Select(id => Text(tiles, id)));
    }

    private static readonly CentreAlert CrisisWaiting = new() { AlertId = "alert-crisis-CA7", Kind = AlertKind.CrisisWaiting, Critical = true, CallId = "CA7", RaisedAt = Now.AddSeconds(-75) };
    private static readonly CentreAlert LongWait = new() { AlertId = "alert-wait-CA8", Kind = AlertKind.LongWait, Critical = false, CallId = "CA8", RaisedAt = Now.AddMinutes(-4) };

    [Fact]
    public void Critical_alerts_render_as_errors_and_others_as_warnings()
    {
        var alerts = Render<AlertsPanel>(p => p.Add(x => x.Alerts, [CrisisWaiting, LongWait]));

        var crisis = alerts.Find("[data-testid=alert-CrisisWaiting]");
        var wait = alerts.Find("[data-testid=alert-LongWait]");
        Assert.Contains("mud-alert-text-error", crisis.ClassList);
        Assert.Contains("mud-alert-text-warning", wait.ClassList);
        Assert.DoesNotContain("mud-alert-text-error", wait.ClassList);
        Assert.Contains("危机来电等待中", crisis.TextContent);
        Assert.Contains("来电等待过久", wait.TextContent);
    }

    [Fact]
    public void An_alert_shows_the_masked_caller_and_how_long_it_has_stood()
    {
        var alerts = Render<AlertsPanel>(p => p
            .Add(x => x.Alerts, [CrisisWaiting])
            .Add(x => x.CallerOf, id => id == "CA7" ? "+86138****8000" : "?"));

        var crisis = alerts.Find("[data-testid=alert-CrisisWaiting]").TextContent;
        Assert.Contains("+86138****8000", crisis);
        Assert.Contains("01:15", crisis);
    }

    [Fact]
    public void Acknowledging_an_alert_raises_its_id()
    {
        var acknowledged = new List<string>();
        var alerts = Render<AlertsPanel>(p => p
            .Add(x => x.Alerts, [CrisisWaiting, LongWait])
            .Add(x => x.OnAcknowledge, id => acknowledged.Add(id)));

        alerts.Find("[data-testid=alert-LongWait] [data-testid=alert-ack]").Click();
        alerts.Find("[data-testid=alert-CrisisWaiting] [data-testid=alert-ack]").Click();

        Assert.Equal(["alert-wait-CA8", "alert-crisis-CA7"], acknowledged);
    }

    [Fact]
    public void A_widened_crisis_alert_says_how_far_it_went_and_a_resolved_one_that_it_ended()
    {
        var alerts = Render<AlertsPanel>(p => p.Add(x => x.Alerts,
        [
            CrisisWaiting with { Widened = 1 },
            LongWait with { Status = AlertStatus.Resolved, AlertId = "alert-wait-CA9" },
        ]));

        Assert.Equal("已扩大通知：全部在岗督导", alerts.Find("[data-testid=alert-CrisisWaiting] [data-testid=alert-widened]").TextContent.Trim());
        Assert.Contains("情况已结束，待确认", alerts.Find("[data-testid=alert-LongWait]").TextContent);
        Assert.True(AlertsPanel.Rings([CrisisWaiting]));
        Assert.False(AlertsPanel.Rings([LongWait, CrisisWaiting with { AcknowledgedBy = "s-zhou" }]));
    }

    [Fact]
    public void No_alerts_render_nothing()
    {
        var alerts = Render<AlertsPanel>(p => p.Add(x => x.Alerts, []));

        Assert.Empty(alerts.FindAll("[data-testid=alerts]"));
    }

    private static QueueSnapshot General(params WaitingCallView[] waiting) =>
        new("xa-12356/general", "综合咨询", [.. waiting], AvailableCounselors: 2, AbandonedToday: 3, AnsweredToday: 40, OverflowedToday: 1, Now);

    private static readonly QueueSnapshot CrisisQueue = new("xa-12356/crisis", "危机干预", [], 1, 0, 5, 0, Now);
    private static readonly QueueSnapshot YouthQueue = new("xa-12356/youth", "青少年", [], 0, 0, 9, 0, Now);

    private static WaitingCallView Waiting(string callId, int position, int waitedSeconds, bool crisis = false, bool callback = false) =>
        new(callId, position, crisis, 0, Now.AddSeconds(-waitedSeconds), null, false, callback);

    [Fact]
    public void Queue_tile_counts_waiting_crisis_and_callbacks_and_the_longest_wait()
    {
        var tile = Render<QueueTile>(p => p
            .Add(x => x.Queue, General(Waiting("CA1", 1, 30, crisis: true), Waiting("CA2", 2, 312), Waiting("CA3", 3, 45, callback: true), Waiting("CA4", 4, 5, callback: true)))
            .Add(x => x.CallerOf, id => $"masked-{id}"));

        var queue = tile.Find("[data-testid='queue-xa-12356/general']");
        Assert.Equal("4", queue.QuerySelector("[data-testid=waiting-count]")!.TextContent.Trim());
        Assert.Equal("1", queue.QuerySelector("[data-testid=crisis-waiting]")!.TextContent.Trim());
        Assert.Equal("2", queue.QuerySelector("[data-testid=callbacks-pending]")!.TextContent.Trim());
        Assert.Equal("05:12", queue.QuerySelector("[data-testid=longest-wait]")!.TextContent.Trim());

        var rows = tile.FindAll("[data-testid=waiting-call]");
        Assert.Equal(4, rows.Count);
        Assert.Contains("crisis-row", rows[0].ClassList);
        Assert.DoesNotContain("crisis-row", rows[1].ClassList);
        Assert.Contains("masked-CA2", rows[1].TextContent);
        Assert.Contains("05:12", rows[1].TextContent);
    }

    [Fact]
    public void Empty_queue_says_nobody_is_waiting_and_has_no_longest_wait()
    {
        var tile = Render<QueueTile>(p => p.Add(x => x.Queue, General()));

        Assert.Equal("0", tile.Find("[data-testid=waiting-count]").TextContent.Trim());
        Assert.Equal("—", tile.Find("[data-testid=longest-wait]").TextContent.Trim());
        Assert.Empty(tile.FindAll("[data-testid=waiting-call]"));
    }

    [Fact]
    public void Moving_a_waiting_call_raises_that_call_and_the_chosen_queue()
    {
        var moves = new List<QueueMove>();
        var tile = Render<QueueTile>(p => p
            .Add(x => x.Queue, General(Waiting("CA1", 1, 30), Waiting("CA2", 2, 60)))
            .Add(x => x.MoveTargets, [CrisisQueue, YouthQueue])
            .Add(x => x.OnMove, m => moves.Add(m)));

        Assert.Empty(tile.FindAll("[data-testid=dispatch-row]"));
        tile.FindAll("[data-testid=waiting-call]")[1].QuerySelector("[data-testid=move-call]")!.Click();
        tile.Find("[data-testid='move-to-xa-12356/crisis']").Click();

        var move = Assert.Single(moves);
        Assert.Equal(("CA2", "xa-12356/crisis"), (move.CallId, move.Target.QueueKey));
        Assert.Empty(tile.FindAll("[data-testid=dispatch-row]"));
    }

    [Fact]
    public void No_move_menu_without_targets()
    {
        var tile = Render<QueueTile>(p => p.Add(x => x.Queue, General(Waiting("CA1", 1, 30))));

        Assert.Single(tile.FindAll("[data-testid=waiting-call]"));
        Assert.Empty(tile.FindAll("[data-testid=move-call]"));
    }

    [Fact]
    public void Sending_a_waiting_call_to_a_free_counselor_raises_that_call_and_counselor_and_a_ringing_call_offers_none()
    {
        var picks = new List<CounselorPick>();
        var free = new CounselorSnapshot("c-li", new CounselorProfile("xa-12356", "李明", [], ["cmn"], ["general"]), PresenceState.Available, Now, Now, null, null, null, []);
        var ringing = Waiting("CA1", 1, 30) with { OfferedTo = "c-wang" };
        var tile = Render<QueueTile>(p => p
            .Add(x => x.Queue, General(ringing, Waiting("CA2", 2, 60)))
            .Add(x => x.FreeCounselors, [free])
            .Add(x => x.OnSendTo, pick => picks.Add(pick)));

        tile.FindAll("[data-testid=waiting-call]")[0].QuerySelector("[data-testid=move-call]")!.Click();
        var ringingOffersNone = tile.FindAll("[data-testid=send-to-c-li]").Count;
        tile.FindAll("[data-testid=waiting-call]")[1].QuerySelector("[data-testid=move-call]")!.Click();
        tile.Find("[data-testid=send-to-c-li]").Click();

        Assert.Equal(0, ringingOffersNone);
        Assert.Equal(new CounselorPick("CA2", "c-li"), Assert.Single(picks));
    }
}
