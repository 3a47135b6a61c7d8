using Bunit;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Web.Components.CrisisBoard;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace HotlineCenter.Web.Tests;

/// <summary>The crisis board's case card over the real crisis service (fake grains behind it), as supervisors see it.</summary>
public sealed class CrisisBoardComponentTests : ConsoleTestContext
{
    private static readonly LinkageDirectory Directory = new(
        [new GreenChannelHospital("xa-mhc", "西安市精神卫生中心", "西安", [Population.Adult], "+862985000000", null, null, true)],
        [new LinkageReceiver("xa-120", ActionKind.Ambulance120, "西安市120急救指挥中心", "120", null, null)],
        "+862912356");

    public CrisisBoardComponentTests()
    {
        Services.AddSingleton(new CrisisService(new FakeGrainFactory(), NullLogger<CrisisService>.Instance, new RecordingAuditTrail()));
        // The case card offers break-glass; these tests never press it, so no grain stands behind it.
        Services.AddSingleton(new BreakGlassService(new FakeGrainFactory(), new NoVault(), new RecordingAuditTrail(), NullLogger<BreakGlassService>.Instance));
    }

    private static CrisisCaseView IvrCase(params CrisisAction[] actions) => new()
    {
        CaseId = "case-CA1", Status = CaseStatus.Open, CallId = "CA1", CentreId = "xa-12356", MaskedNumber = "+86139****5678",
        Trigger = CaseTrigger.IvrDanger, OpenedAt = Start.AddMinutes(-3), RuleSetVersion = 1, Actions = [.. actions],
        Timeline = [new CaseTimelineEntry(Start.AddMinutes(-3), "ivr", "opened")],
    };

    private static CrisisAction Action(string id, ActionKind kind, ActionState state, bool approval = false, DateTimeOffset? due = null) =>
        new() { ActionId = id, Kind = kind, State = state, RequiresApproval = approval, StateSince = Start.AddMinutes(-1), DeadlineAt = due };

    private IRenderedComponent<CaseCard> RenderCard(CrisisCaseView view) =>
        Render<CaseCard>(p => p.Add(x => x.Case, view).Add(x => x.Directory, Directory).Add(x => x.CentreId, "xa-12356").Add(x => x.SupervisorId, "s-zhou"));

    [Fact]
    public void Case_opened_by_the_ivr_before_any_assessment_shows_its_actions_and_what_is_not_known_yet()
    {
        var card = RenderCard(IvrCase(
            Action("a1", ActionKind.FollowUp, ActionState.Proposed, due: Start.AddHours(24)),
            Action("a2", ActionKind.GreenChannelHospital, ActionState.Proposed, approval: true, due: Start.AddMinutes(-1))));

        Assert.Contains("来电者选择“我现在有危险”", card.Markup);
        Assert.Equal("未评估", card.Find("[data-testid=case-level]").TextContent.Trim());
        Assert.Contains("位置不明", card.Find("[data-testid=case-location]").TextContent);
        Assert.Contains("03:00", card.Find("[data-testid=case-elapsed]").TextContent);
        Assert.NotEmpty(card.FindAll("[data-testid=action-GreenChannelHospital] [data-testid=action-approve]"));
        Assert.Contains("已逾期", card.Find("[data-testid=action-GreenChannelHospital] [data-testid=action-overdue]").TextContent);
        Assert.Empty(card.FindAll("[data-testid=action-FollowUp] [data-testid=action-approve]"));
        Assert.Empty(card.FindAll("[data-testid=action-FollowUp] [data-testid=action-call-out]"));
        Assert.Contains("提交来电登记后转入回访清单跟进", card.Find("[data-testid=action-FollowUp]").TextContent);
    }

    [Fact]
    public void An_action_under_way_offers_its_next_step_and_a_sheet_and_a_finished_one_offers_nothing()
    {
        var card = RenderCard(IvrCase(
            Action("a1", ActionKind.Ambulance120, ActionState.Requested, due: Start.AddMinutes(5)) with { Channel = ActionChannel.Conference, ReceiverId = "xa-120" },
            Action("a2", ActionKind.Police110, ActionState.Cancelled) with { Reason = "120 已到场" }));

        var ambulance = card.Find("[data-testid=action-Ambulance120]");
        Assert.Equal("Requested", ambulance.GetAttribute("data-state"));
        Assert.Contains("西安市120急救指挥中心", ambulance.TextContent);
        Assert.NotEmpty(card.FindAll("[data-testid=action-Ambulance120] [data-testid=action-acknowledged]"));
        Assert.NotEmpty(card.FindAll("[data-testid=action-Ambulance120] [data-testid=action-sheet]"));
        Assert.Contains("剩余 05:00", ambulance.TextContent);
        Assert.Empty(card.FindAll("[data-testid=action-Police110] button"));
        Assert.Contains("120 已到场", card.Find("[data-testid=action-Police110]").TextContent);
    }

    private sealed class NoVault : HotlineCenter.Abstractions.Telephony.ICallerNumberVault
    {
        public string CurrentKeyId => "k1";

        public bool NeedsReseal(string? encryptedNumber) => false;

        public HotlineCenter.Abstractions.Calls.CallerRef Reseal(HotlineCenter.Abstractions.Calls.CallerRef caller) => caller;

        public string? Reveal(string? encryptedNumber) => null;
    }
}
