using System.Collections.Immutable;
using Bunit;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Components.Desk;
using Microsoft.Extensions.DependencyInjection;
using HotlineCenter.Web.Tests.Fakes;

namespace HotlineCenter.Web.Tests;

public sealed class OfferPanelTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = Start;

    private static CounselorSnapshot Offered(int secondsLeft) => new(
        "c-wang", null, PresenceState.Offered, Now.AddSeconds(secondsLeft - 20), null, "CA1", "xa-12356/general", null, [], Now.AddSeconds(secondsLeft));

    private static CallSummary Call(bool crisis) =>
        new("CA1", CallStatus.Offered, "xa-12356/general", crisis, "c-wang", "+86138****8000", Now.AddSeconds(-30), null, Now);

    [Fact]
    public void Shows_the_masked_caller_the_queue_and_the_seconds_left()
    {
        var panel = Render<OfferPanel>(p => p
            .Add(x => x.Counselor, Offered(12))
            .Add(x => x.Call, Call(crisis: false))
            .Add(x => x.QueueName, "综合咨询"));

        Assert.Equal("12", panel.Find("[data-testid=offer-countdown]").TextContent.Trim());
        Assert.Contains("+86138****8000", panel.Find("[data-testid=offer-caller]").TextContent);
        Assert.Contains("综合咨询", panel.Markup);
        Assert.Empty(panel.FindAll("[data-testid=offer-crisis]"));
    }

    [Fact]
    public void Crisis_offer_is_marked()
    {
        var panel = Render<OfferPanel>(p => p.Add(x => x.Counselor, Offered(5)).Add(x => x.Call, Call(crisis: true)));

        Assert.Contains("危机", panel.Find("[data-testid=offer-crisis]").TextContent);
    }

    [Fact]
    public void Countdown_never_goes_below_zero()
    {
        var panel = Render<OfferPanel>(p => p.Add(x => x.Counselor, Offered(-3)));

        Assert.Equal("0", panel.Find("[data-testid=offer-countdown]").TextContent.Trim());
    }

    [Fact]
    public void Accept_and_decline_call_back_and_are_disabled_while_busy()
    {
        var accepted = 0;
        var declined = 0;
        var panel = Render<OfferPanel>(p => p
            .Add(x => x.Counselor, Offered(10))
            .Add(x => x.OnAccept, () => accepted++)
            .Add(x => x.OnDecline, () => declined++));

        panel.Find("[data-testid=offer-accept]").Click();
        panel.Find("[data-testid=offer-decline]").Click();
        Assert.Equal((1, 1), (accepted, declined));

        panel.Render(p => p.Add(x => x.Busy, true));
        Assert.True(panel.Find("[data-testid=offer-accept]").HasAttribute("disabled"));
    }
}
