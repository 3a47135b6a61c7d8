using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Callers;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class CallerContextRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Five_calls_in_thirty_days_flag_a_frequent_caller_and_older_calls_do_not_count()
    {
        var state = new CallerState();
        state.Arrivals.AddRange(Enumerable.Range(1, 4).Select(d => new CallerArrival($"CA{d}", Now.AddDays(-d))));
        state.Arrivals.Add(new CallerArrival("CAold", Now.AddDays(-40)));
        var four = CallerContextRules.Build(state, "CAnow", Now);
        state.Arrivals.Add(new CallerArrival("CAnow", Now));
        var five = CallerContextRules.Build(state, "CAnow", Now);

        Assert.DoesNotContain(four.ActiveFlags, f => f.Kind == CallerFlagKind.FrequentCaller);
        Assert.Contains(five.ActiveFlags, f => f is { Kind: CallerFlagKind.FrequentCaller, Automatic: true });
        Assert.Equal(5, five.CallsLast30Days);
    }

    [Fact]
    public void High_risk_is_remembered_ninety_days_and_expired_flags_are_hidden()
    {
        var state = new CallerState();
        state.Contacts.Add(new CallerContact("CA1", "xa", Now.AddDays(-91), "c-wang", RiskLevel.Imminent, ["情绪"], true));
        state.Flags.Add(new CallerFlag(CallerFlagKind.Minor, "自述15岁", "c-wang", Now.AddDays(-10), Now.AddDays(-1)));
        var old = CallerContextRules.Build(state, null, Now);
        state.Contacts.Add(new CallerContact("CA2", "xa", Now.AddDays(-2), "c-li", RiskLevel.High, ["家庭"], true));
        var recent = CallerContextRules.Build(state, null, Now);

        Assert.Empty(old.ActiveFlags);
        Assert.Equal(RiskLevel.Imminent, old.LastRisk);
        Assert.Equal(RiskLevel.High, recent.LastRisk);
        Assert.Single(recent.ActiveFlags, f => f.Kind == CallerFlagKind.HighRisk);
        Assert.Equal(["CA2", "CA1"], recent.RecentContacts.Select(c => c.CallId));
    }

    [Fact]
    public void Flags_need_a_reason_and_an_abusive_flag_needs_an_expiry()
    {
        Assert.Empty(CallerContextRules.FlagProblems(CallerFlagKind.ManagementPlan, "每次通话限20分钟", "s-zhou", null, Now));
        Assert.Contains("a flag needs a reason", CallerContextRules.FlagProblems(CallerFlagKind.Other, " ", "s-zhou", null, Now));
        Assert.Contains("an abusive-caller flag needs an expiry", CallerContextRules.FlagProblems(CallerFlagKind.Abusive, "辱骂", "s-zhou", null, Now));
        Assert.Contains("the expiry must be in the future", CallerContextRules.FlagProblems(CallerFlagKind.Abusive, "辱骂", "s-zhou", Now, Now));
        Assert.Contains("'99' is not a caller flag", CallerContextRules.FlagProblems((CallerFlagKind)99, "x", "s-zhou", null, Now));
    }
}
