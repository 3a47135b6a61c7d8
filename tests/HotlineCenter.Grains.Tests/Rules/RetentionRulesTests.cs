using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Centres;
using HotlineCenter.Grains.Retention;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>What the retention purge removes at time T, and when a call forgets the encrypted number.</summary>
public sealed class RetentionRulesTests
{
    private static readonly DateTimeOffset Now = new(2029, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private static CentreConfig Config(int years = 0, int recordingDays = 0) => new()
    {
        CentreId = "xa-12356", DisplayName = "西安", Queues = [new Abstractions.Queues.QueueConfig { QueueId = "general", DisplayName = "综合" }],
        IvrOptions = [], DefaultQueueId = "general", RecordRetentionYears = years, RecordingRetentionDays = recordingDays,
    };

    [Theory]
    // 0 is a configuration stored before the settings: the default (3 years, 180 days); out-of-range values never go below the law's 3 years.
    [InlineData(0, 0, 3, 180)]
    [InlineData(3, 180, 3, 180)]
    [InlineData(10, 30, 10, 30)]
    [InlineData(1, 1, 3, 1)]
    [InlineData(11, 5000, 10, 3650)]
    public void The_retention_in_force_reads_old_configurations_as_the_default(int years, int days, int effectiveYears, int effectiveDays)
    {
        var config = Config(years, days);

        Assert.Equal((effectiveYears, effectiveDays), (config.EffectiveRecordRetentionYears, config.EffectiveRecordingRetentionDays));
        Assert.Equal(Now.AddYears(-effectiveYears), RetentionRules.RecordsCutoff(Now, config));
        Assert.Equal(Now.AddDays(-effectiveDays), RetentionRules.RecordingsCutoff(Now, config));
    }

    [Fact]
    public void A_centre_without_configuration_keeps_the_defaults() =>
        Assert.Equal((Now.AddYears(-3), Now.AddDays(-180)), (RetentionRules.RecordsCutoff(Now, null), RetentionRules.RecordingsCutoff(Now, null)));

    [Theory]
    [InlineData(3, 180, true)]
    [InlineData(10, 3650, true)]
    [InlineData(0, 0, true)]
    [InlineData(2, 180, false)]
    [InlineData(11, 180, false)]
    [InlineData(3, -1, false)]
    [InlineData(3, 3651, false)]
    // Recordings are never kept longer than the records they belong to.
    [InlineData(3, 1096, false)]
    [InlineData(3, 1095, true)]
    public void The_validator_allows_3_to_10_years_and_recordings_no_longer_than_records(int years, int days, bool valid)
    {
        var errors = CentreConfigValidator.Validate(Config(years, days), "xa-12356");

        Assert.Equal(valid, !errors.Any(e => e.Contains("etention", StringComparison.Ordinal)));
    }

    [Theory]
    // At the cutoff it has been kept exactly the retention: due. A second later than the cutoff: kept.
    [InlineData(CallStatus.Ended, 0, true)]
    [InlineData(CallStatus.Abandoned, -1, true)]
    [InlineData(CallStatus.Ended, 1, false)]
    [InlineData(CallStatus.Connected, -1000, false)]
    [InlineData(CallStatus.Queued, -1000, false)]
    [InlineData(CallStatus.CallbackPending, -1000, false)]
    public void A_call_is_due_once_over_and_past_retention(CallStatus status, int secondsFromCutoff, bool due)
    {
        var cutoff = Now.AddYears(-3);

        Assert.Equal(due, RetentionRules.CallDue(status, cutoff.AddSeconds(secondsFromCutoff), cutoff));
    }

    [Fact]
    public void A_call_that_never_arrived_is_never_due() =>
        Assert.False(RetentionRules.CallDue(CallStatus.Ended, null, Now));

    [Theory]
    [InlineData(CaseStatus.Closed, -1, true)]
    [InlineData(CaseStatus.Closed, 0, true)]
    [InlineData(CaseStatus.Closed, 1, false)]
    [InlineData(CaseStatus.Open, -100000, false)]
    public void A_crisis_case_is_due_only_once_closed_counted_from_its_closing(CaseStatus status, int secondsFromCutoff, bool due)
    {
        var cutoff = Now.AddYears(-3);

        Assert.Equal(due, RetentionRules.CaseDue(status, status == CaseStatus.Closed ? cutoff.AddSeconds(secondsFromCutoff) : null, cutoff));
    }

    [Theory]
    [InlineData(FollowUpStatus.Done, -1, true)]
    [InlineData(FollowUpStatus.Closed, 0, true)]
    [InlineData(FollowUpStatus.Closed, 1, false)]
    [InlineData(FollowUpStatus.Open, -100000, false)]
    [InlineData(FollowUpStatus.Escalated, -100000, false)]
    public void A_follow_up_is_due_only_once_done_or_closed_counted_from_then(FollowUpStatus status, int secondsFromCutoff, bool due)
    {
        var cutoff = Now.AddYears(-3);
        var finished = cutoff.AddSeconds(secondsFromCutoff);
        var item = new FollowUpItem("CA1", "c-wang", "138****0000", RiskLevel.Moderate, cutoff.AddDays(-10), cutoff.AddDays(-7), status, 0, null,
            status is FollowUpStatus.Done or FollowUpStatus.Closed ? finished : null);

        Assert.Equal(due, RetentionRules.FollowUpDue(item, cutoff));
    }

    [Theory]
    // Every part must be past retention (a part saved later keeps the whole record).
    [InlineData(new[] { -10, -1 }, true)]
    [InlineData(new[] { -10, 1 }, false)]
    [InlineData(new[] { 0 }, true)]
    [InlineData(new int[0], true)]
    public void A_record_is_due_when_every_part_was_last_saved_before_the_cutoff(int[] partSeconds, bool due)
    {
        var cutoff = Now.AddYears(-3);

        Assert.Equal(due, RetentionRules.RecordDue(partSeconds.Select(s => (DateTimeOffset?)cutoff.AddSeconds(s)), cutoff));
    }

    [Fact]
    public void The_purge_reads_only_days_that_began_by_the_cutoff_oldest_first()
    {
        // Cutoff 2026-12-02 11:00 China time: that day began before it; the 3rd did not.
        var cutoff = new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
        DateOnly[] days = [new(2026, 12, 3), new(2026, 12, 2), new(2026, 11, 30), new(2027, 1, 1)];

        Assert.Equal([new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 2)], RetentionRules.DaysToScan(days, cutoff));
    }

    [Fact]
    public void A_call_is_indexed_under_its_china_day()
    {
        // 2026-12-01 17:30 UTC is 01:30 on the 2nd in China.
        var key = RetentionRules.DayKey("xa-12356", new DateTimeOffset(2026, 12, 1, 17, 30, 0, TimeSpan.Zero));

        Assert.Equal("xa-12356/2026-12-02", key);
        Assert.Equal(("xa-12356", new DateOnly(2026, 12, 2)), RetentionRules.ParseDayKey(key));
        Assert.Null(RetentionRules.ParseDayKey("xa-12356"));
        Assert.Null(RetentionRules.ParseDayKey("xa-12356/2026-13-02"));
    }

    [Theory]
    // The call keeps the number while live or a callback is pending, and until every counsellor's part is submitted.
    [InlineData(CallStatus.Connected, "wang", "wang", true)]
    [InlineData(CallStatus.CallbackPending, "", "", true)]
    [InlineData(CallStatus.Queued, "wang", "", true)]
    [InlineData(CallStatus.Ended, "wang", "", true)]
    [InlineData(CallStatus.Ended, "wang", "wang", false)]
    [InlineData(CallStatus.Ended, "wang,li", "li", true)]
    [InlineData(CallStatus.Ended, "wang,li", "li,wang", false)]
    [InlineData(CallStatus.Abandoned, "", "", false)]
    public void A_call_drops_the_number_once_no_callback_or_record_needs_it(CallStatus status, string counselors, string submitted, bool needs)
    {
        static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(needs, RetentionRules.CallNeedsNumber(status, Split(counselors), Split(submitted)));
    }
}
