using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Testing;

/// <summary>
/// A scripted day of one centre, played through the grains the way the telephony adapter and the desk drive them,
/// with provider events re-delivered on the way (a replayed arrival, hang-ups sent twice, a callback answer and a
/// rating sent again). The figures it must produce are worked out by hand in <see cref="Expected"/>.
/// The centre must have menu option 1 (crisis) and 2 (general) into queues <paramref name="counselorId"/> serves,
/// be in 陕西省西安市 and ask the satisfaction survey; no other counsellor of it may be available.
/// </summary>
public sealed class ScriptedDay(IGrainFactory grains, FakeTimeProvider clock, string centreId, string counselorId)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The China day the script ran on.</summary>
    public DateOnly Day { get; private set; }

    /// <summary>The call ids, by script letter.</summary>
    public Dictionary<char, string> Calls { get; } = [];

    /// <summary>
    /// The day's figures, by hand. Calls: A 08:00 local, answered after 10 s, talk 600 s, rated 5; B 08:30 Beijing number,
    /// hangs up in the menu; C 09:00 local, abandons after 45 s in the queue; D 09:10 withheld number, answered after 5 s,
    /// imminent risk (case from the assessment, 110 carried out), talk 1200 s, no survey (crisis); E 10:00 local, asks for a
    /// callback after 30 s, called back at 10:02:05 (wait 125 s) and picks up, talk 300 s, does not rate; F 11:00 local (A's
    /// number again), answered after 30 s, talk 900 s, rated 3; G 13:00 local, crisis option, abandons after 15 s.
    /// Records: A 情绪+家庭 18–24 female first low, community referral; D 精神疾病 35–44 male imminent; E 职场 25–34
    /// unknown-gender first low, hospital + other referral; F 学业 14–17 male repeat low, third party, school referral.
    /// D's follow-up (due 24 h after its record, so tomorrow) is reached at 12:00 today.
    /// </summary>
    public static class Expected
    {
        public const int Received = 7;                       // A B C D E F G
        public const int Answered = 4;                       // A D E F
        public const int Abandoned = 3;                      // B (menu) C G
        public const int AbandonedInIvr = 1;                 // B
        public const int AnsweredWithin20Seconds = 2;        // A 10 s, D 5 s
        public const double TotalWaitAnsweredSeconds = 170;  // 10 + 5 + 125 + 30
        public const double TotalWaitAbandonedSeconds = 60;  // 0 + 45 + 15
        public const double LongestWaitSeconds = 125;        // E
        public const int Handled = 4;
        public const double TotalHandleSeconds = 3000;       // 600 + 1200 + 300 + 900
        public const int CallbacksRequested = 1;
        public const int CallbacksDone = 1;
        public const int LocalCallers = 5;                   // A C E F G
        public const int OutOfAreaCallers = 1;               // B
        public const int UnknownOriginCallers = 1;           // D
        public const int CrisisCalls = 2;                    // D (case from the assessment) G (menu)
        public const int CrisisCases = 2;
        public const int HighRiskCalls = 1;                  // D
        public const int FirstTimeCallers = 2;               // A E (D unknown)
        public const int RepeatCallers = 1;                  // F
        public const int ThirdPartyCalls = 1;                // F
        public const int RecordsSubmitted = 4;
        public const int SatisfactionResponses = 2;          // A 5, F 3
        public const int SatisfactionTotal = 8;
        public const int SatisfiedResponses = 1;             // A
        public const int FollowUpsDue = 0;                   // D's falls due tomorrow
        public const int FollowUpsDone = 1;
        public const int FollowUpsOverdue = 0;
        public const double AnswerRate = 4.0 / 7;
        public const double ServiceLevel = 2.0 / 7;          // within 20 s over answered + abandoned
        public const double AverageSpeedOfAnswer = 42.5;     // 170 / 4
        public const double AverageHandleTime = 750;         // 3000 / 4
        public const double AverageRating = 4;

        public static readonly IReadOnlyDictionary<string, int> Categories = new Dictionary<string, int> { ["情绪"] = 1, ["家庭"] = 1, ["精神疾病"] = 1, ["职场"] = 1, ["学业"] = 1 };
        public static readonly IReadOnlyDictionary<string, int> AgeBands = new Dictionary<string, int> { ["18-24"] = 1, ["35-44"] = 1, ["25-34"] = 1, ["14-17"] = 1 };
        public static readonly IReadOnlyDictionary<string, int> Genders = new Dictionary<string, int> { ["female"] = 1, ["male"] = 2, ["unknown"] = 1 };
        public static readonly IReadOnlyDictionary<string, int> RiskLevels = new Dictionary<string, int> { ["NoneOrLow"] = 3, ["Imminent"] = 1 };
        public static readonly IReadOnlyDictionary<string, int> Referrals = new Dictionary<string, int> { ["community"] = 1, ["hospital"] = 1, ["other"] = 1, ["school"] = 1 };
        public static readonly IReadOnlyDictionary<string, int> Escalations = new Dictionary<string, int> { ["Police110"] = 1 };

        /// <summary>Calls received by China hour of day.</summary>
        public static readonly IReadOnlyDictionary<int, int> ReceivedByHour = new Dictionary<int, int> { [8] = 2, [9] = 2, [10] = 1, [11] = 1, [13] = 1 };

        /// <summary>Tomorrow: D's follow-up falls due at 09:30.</summary>
        public const int FollowUpsDueTomorrow = 1;
    }

    private static readonly RiskAssessment ImminentHere = new()
    {
        Factors = [new FactorTick(RiskFactor.AttemptInProgress)], LocationKnown = true, Location = "雁塔区某小区",
    };

    public async Task RunAsync()
    {
        // The next 08:00 China time on the clock (today's if it is still to come), so the whole script is one day.
        var now = clock.GetUtcNow();
        var start = ChinaTime.StartOfDay(now).AddHours(8);
        if (start < now)
        {
            start = start.AddDays(1);
        }

        clock.Advance(start - now);
        Day = ChinaTime.DayOf(start);
        var wang = grains.GetGrain<ICounselorGrain>(counselorId);
        await ReadyAsync(PresenceState.Available);

        // A: local, answered after 10 s, 600 s, rated 5 (the rating re-sent).
        var a = await ArriveAsync('A', "hash-a", "陕西省西安市", replay: true);
        await AnsweredAsync(a, "2", waitSeconds: 10);
        At(600);
        await a.EndByCounselorAsync(counselorId);
        await a.RateServiceAsync(5, $"{Id('A')}:survey");
        await a.RateServiceAsync(5, $"{Id('A')}:survey");
        await Record(a).SubmitAsync(new ContactRecord
        {
            Risk = RiskLevel.NoneOrLow, ProblemCategories = ["情绪", "家庭"], AgeBand = "18-24", Gender = "female", RepeatCaller = false,
            Referrals = ["community"], InterventionsGiven = ["listening"], Outcome = "情绪缓解", Province = "陕西省", City = "西安市",
        }, counselorId);

        // B: a Beijing number hangs up in the menu; the hang-up arrives three times (twice with one key).
        To(8, 30);
        var b = await ArriveAsync('B', "hash-b", "北京市");
        At(20);
        await HangUpAsync(b, "hangup");
        await HangUpAsync(b, "hangup");
        await HangUpAsync(b, "hangup-again");

        // C: nobody free; abandons after 45 s (the hang-up re-sent).
        To(9, 0);
        await ReadyAsync(PresenceState.Break);
        var c = await ArriveAsync('C', "hash-c", "陕西省西安市、咸阳市");
        await c.ChooseAsync(new IvrChoice("2", $"{Id('C')}:menu"));
        At(45);
        await HangUpAsync(c, "hangup");
        await HangUpAsync(c, "hangup-again");

        // D: withheld number, answered after 5 s; imminent risk in the draft opens the case, 110 carried out; 1200 s.
        To(9, 10);
        await ReadyAsync(PresenceState.Available);
        var d = await ArriveAsync('D', Keys.AnonymousCaller, null);
        await AnsweredAsync(d, "2", waitSeconds: 5);
        var dRecord = new ContactRecord { Assessment = ImminentHere, ProblemCategories = ["精神疾病"], AgeBand = "35-44", Gender = "male" };
        await Record(d).SaveDraftAsync(dRecord, counselorId);
        var crisisCase = grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(Id('D')));
        var police = (await Eventually.MatchesAsync(crisisCase.GetAsync, k => k.Actions.Any(x => x.Kind == ActionKind.Police110), "the 110 action")).Actions.First(x => x.Kind == ActionKind.Police110);
        await crisisCase.CarryOutAsync(police.ActionId, new CarryOut(ActionChannel.CallOut, Note: "督导另线拨打110"), counselorId);
        At(1200);
        await d.EndByCounselorAsync(counselorId);
        await Record(d).SubmitAsync((await Record(d).GetPartAsync(counselorId)).Record with { Outcome = "已联动110", FollowUpPlan = "24小时内回访" }, counselorId);

        // E: nobody free; asks for a callback after 30 s; called back at 10:02:05 and picks up (the answer re-sent); 300 s.
        To(10, 0);
        await ReadyAsync(PresenceState.Break);
        var e = await ArriveAsync('E', "hash-e", "陕西省西安市");
        await e.ChooseAsync(new IvrChoice("2", $"{Id('E')}:menu"));
        At(30);
        await e.RequestCallbackAsync($"{Id('E')}:callback");
        To(10, 2);
        await ReadyAsync(PresenceState.Available);
        await Eventually.MatchesAsync(wang.GetAsync, w => w.State == PresenceState.Offered && w.CallId == Id('E'), "the callback offered");
        At(5);
        await wang.AcceptOfferAsync(Id('E'));
        await Eventually.MatchesAsync(e.GetAsync, x => x.Status == CallStatus.Connected, "the callback dialled");
        At(10);
        var pickedUp = new ProviderEvent(ProviderEventKind.CallbackAnswered, $"{Id('E')}:callback-answered", clock.GetUtcNow(), null);
        await e.ApplyAsync(pickedUp);
        await e.ApplyAsync(pickedUp);
        At(290);
        await e.EndByCounselorAsync(counselorId);
        await Record(e).SubmitAsync(new ContactRecord
        {
            Risk = RiskLevel.NoneOrLow, ProblemCategories = ["职场"], AgeBand = "25-34", Gender = "unknown", RepeatCaller = false,
            Referrals = ["hospital", "other"], ReferralOther = "街道社工站", Outcome = "提供资源",
        }, counselorId);

        // F: A's number again, answered after 30 s, 900 s, rated 3 (re-sent, then a second answer that changes nothing).
        To(11, 0);
        var f = await ArriveAsync('F', "hash-a", "陕西省西安市");
        await AnsweredAsync(f, "2", waitSeconds: 30);
        At(900);
        await f.EndByCounselorAsync(counselorId);
        await f.RateServiceAsync(3, $"{Id('F')}:survey");
        await f.RateServiceAsync(3, $"{Id('F')}:survey");
        await f.RateServiceAsync(1, $"{Id('F')}:survey-again");
        await Record(f).SubmitAsync(new ContactRecord
        {
            Risk = RiskLevel.NoneOrLow, ProblemCategories = ["学业"], AgeBand = "14-17", Gender = "male", RepeatCaller = true,
            ThirdParty = true, ThirdPartyRelation = "parent", Referrals = ["school"], Outcome = "家长学会沟通方法",
        }, counselorId);

        // 12:00: D's follow-up reaches the caller (early).
        To(12, 0);
        await grains.GetGrain<IFollowUpGrain>(Id('D')).RecordOutcomeAsync(counselorId, FollowUpOutcome.Reached, null);

        // G: the danger option with nobody free; abandons after 15 s.
        To(13, 0);
        await ReadyAsync(PresenceState.Break);
        var g = await ArriveAsync('G', "hash-g", "陕西省西安市");
        await g.ChooseAsync(new IvrChoice("1", $"{Id('G')}:menu"));
        At(15);
        await HangUpAsync(g, "hangup");
        await ReadyAsync(PresenceState.Available);
    }

    /// <summary>
    /// Puts the counsellor in <paramref name="state"/> once they are free: wrap-up is finished at once; any other state
    /// the counsellor cannot leave by hand (a decompression after a crisis call) is waited out on the clock.
    /// </summary>
    private async Task ReadyAsync(PresenceState state)
    {
        var wang = grains.GetGrain<ICounselorGrain>(counselorId);
        if ((await wang.GetAsync()).State == PresenceState.WrapUp)
        {
            try
            {
                await wang.CompleteWrapUpAsync();
            }
            catch (HotlineRuleException ex) when (ex.Code == "presence.not-in-wrap-up")
            {
                // Its deadline passed on the clock meanwhile: the counsellor is free already.
            }
        }

        var now = await Eventually.MatchesAsync(wang.GetAsync, w => w.State is PresenceState.Available or PresenceState.Break or PresenceState.Offline or PresenceState.Training or PresenceState.Supervision, "the counsellor free");
        if (now.State != state)
        {
            await wang.ChangePresenceAsync(state, "script");
        }
    }

    private string Id(char letter) => Calls.TryGetValue(letter, out var id) ? id : Calls[letter] = $"CA{_run}{letter}";

    private async Task<ICallGrain> ArriveAsync(char letter, string callerHash, string? numberRegion, bool replay = false)
    {
        var call = grains.GetGrain<ICallGrain>(Id(letter));
        var arrival = new CallArrival(centreId, "test", new CallerRef(callerHash, callerHash == Keys.AnonymousCaller ? "匿名来电" : "138****0000", $"enc-{callerHash}", numberRegion), $"{Id(letter)}:arrive");
        await call.ArriveAsync(arrival);
        if (replay)
        {
            await call.ArriveAsync(arrival);
        }

        return call;
    }

    private async Task AnsweredAsync(ICallGrain call, string digits, int waitSeconds)
    {
        var id = call.GetPrimaryKeyString();
        await call.ChooseAsync(new IvrChoice(digits, $"{id}:menu"));
        var wang = grains.GetGrain<ICounselorGrain>(counselorId);
        await Eventually.MatchesAsync(wang.GetAsync, w => w.State == PresenceState.Offered && w.CallId == id, $"call {id} offered");
        At(waitSeconds);
        await wang.AcceptOfferAsync(id);
        await Eventually.MatchesAsync(call.GetAsync, c => c.Status == CallStatus.Connected, $"call {id} connected");
    }

    private Task HangUpAsync(ICallGrain call, string key) =>
        call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, $"{call.GetPrimaryKeyString()}:{key}", clock.GetUtcNow(), null));

    private IContactRecordGrain Record(ICallGrain call) => grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());

    private void At(int seconds) => clock.Advance(TimeSpan.FromSeconds(seconds));

    private void To(int hour, int minute)
    {
        var target = ChinaTime.At(Day, new TimeOnly(hour, minute));
        var now = clock.GetUtcNow();
        if (target > now)
        {
            clock.Advance(target - now);
        }
    }
}
