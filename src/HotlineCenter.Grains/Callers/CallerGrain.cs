using HotlineCenter.Abstractions.Callers;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Callers;

[GenerateSerializer, Immutable]
[Alias("hotline.caller-arrival")]
public sealed record CallerArrival([property: Id(0)] string CallId, [property: Id(1)] DateTimeOffset At);

[GenerateSerializer]
[Alias("hotline.caller-state")]
public sealed class CallerState
{
    [Id(0)] public List<CallerArrival> Arrivals { get; set; } = [];
    [Id(1)] public List<CallerContact> Contacts { get; set; } = [];
    [Id(2)] public List<CallerFlag> Flags { get; set; } = [];
    [Id(3)] public SafetyPlan? SafetyPlan { get; set; }
    [Id(4)] public CallerBlock? Block { get; set; }
}

/// <summary>One caller's history, keyed by the keyed hash of the number; logs carry neither hash nor number.</summary>
public sealed class CallerGrain(
    [PersistentState("caller", StorageNames.Hotline)] IPersistentState<CallerState> state,
    HotlineTime time,
    ILogger<CallerGrain> logger) : Grain, ICallerGrain
{
    private const int ArrivalsKept = 200;
    private const int ContactsKept = 100;

    private CallerState S => state.State;

    public async Task CallArrivedAsync(string callId, DateTimeOffset at)
    {
        if (!Keys.IsValidCallId(callId) || S.Arrivals.Any(a => a.CallId == callId))
        {
            return;
        }

        S.Arrivals.Add(new CallerArrival(callId, at));
        Trim(S.Arrivals, ArrivalsKept);
        await state.WriteStateAsync();
    }

    public async Task RecordContactAsync(CallerContact contact)
    {
        Keys.RequireCallId(contact.CallId);
        S.Contacts.RemoveAll(c => c.CallId == contact.CallId);
        S.Contacts.Add(contact);
        S.Contacts.Sort((a, b) => a.At.CompareTo(b.At));
        Trim(S.Contacts, ContactsKept);
        await state.WriteStateAsync();
    }

    public async Task ForgetCallAsync(string callId)
    {
        if (S.Arrivals.RemoveAll(a => a.CallId == callId) + S.Contacts.RemoveAll(c => c.CallId == callId) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<CallerContext> GetContextAsync(string? currentCallId) => Task.FromResult(CallerContextRules.Build(S, currentCallId, time.Now));

    public async Task<CallerContext> SetFlagAsync(CallerFlagKind kind, string note, string by, DateTimeOffset? expiresAt)
    {
        var problems = CallerContextRules.FlagProblems(kind, note, by, expiresAt, time.Now);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("caller.invalid-flag", string.Join("; ", problems));
        }

        S.Flags.RemoveAll(f => f.Kind == kind);
        S.Flags.Add(new CallerFlag(kind, note.Trim(), by, time.Now, expiresAt));
        await state.WriteStateAsync();
        logger.LogInformation("Caller flag {Kind} set by {StaffId}", kind, by);
        return CallerContextRules.Build(S, null, time.Now);
    }

    public async Task<CallerContext> ClearFlagAsync(CallerFlagKind kind, string by)
    {
        if (S.Flags.RemoveAll(f => f.Kind == kind) > 0)
        {
            await state.WriteStateAsync();
            logger.LogInformation("Caller flag {Kind} cleared by {StaffId}", kind, by);
        }

        return CallerContextRules.Build(S, null, time.Now);
    }

    public async Task<CallerContext> SetSafetyPlanAsync(string text, string by)
    {
        if (text is null || text.Length > CallerContextRules.MaxSafetyPlanLength)
        {
            throw new HotlineRuleException("caller.invalid-safety-plan", $"A safety plan is 0–{CallerContextRules.MaxSafetyPlanLength} characters.");
        }

        S.SafetyPlan = string.IsNullOrWhiteSpace(text) ? null : new SafetyPlan(text.Trim(), by, time.Now);
        await state.WriteStateAsync();
        logger.LogInformation("Caller safety plan updated by {StaffId}", by);
        return CallerContextRules.Build(S, null, time.Now);
    }

    private static void Trim<T>(List<T> list, int keep)
    {
        if (list.Count > keep)
        {
            list.RemoveRange(0, list.Count - keep);
        }
    }

    public async Task BlockAsync(CallerBlock block)
    {
        S.Block = block;
        await state.WriteStateAsync();
    }

    public async Task UnblockAsync(string by)
    {
        if (S.Block is null)
        {
            return;
        }

        S.Block = null;
        await state.WriteStateAsync();
    }

    public Task<CallerMenuFacts> GetMenuFactsAsync(string currentCallId) =>
        Task.FromResult(new CallerMenuFacts(CallerContextRules.Build(S, currentCallId, time.Now), BlockRules.InForce(S.Block, time.Now) ? S.Block : null));

    public Task<CallerBlock?> GetBlockAsync() => Task.FromResult(BlockRules.InForce(S.Block, time.Now) ? S.Block : null);
}
