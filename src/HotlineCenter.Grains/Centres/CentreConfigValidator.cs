using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Grains.Centres;

/// <summary>Rejects configuration that would make routing unsafe or nonsensical.</summary>
public static class CentreConfigValidator
{
    /// <summary>The centre's region (its local callers), the centres it reports for, and its opening hours.</summary>
    private static void ValidateRegionAndReports(List<string> errors, CentreConfig c)
    {
        if (c.Province is not null && !Abstractions.Records.ChinaRegions.IsProvince(c.Province))
        {
            errors.Add($"centre: province '{c.Province}' is not a province");
        }

        if (c.City is not null && !Abstractions.Records.ChinaRegions.IsCityOf(c.Province, c.City))
        {
            errors.Add($"centre: city '{c.City}' is not a city of {c.Province ?? "no province"}");
        }

        var reportsFor = c.ReportsForCentres.IsDefault ? [] : c.ReportsForCentres;
        if (reportsFor.Length > 200 || reportsFor.Any(id => !Keys.IsValidId(id) || id == c.CentreId) || reportsFor.Distinct().Count() != reportsFor.Length)
        {
            errors.Add("centre: reportsForCentres must be at most 200 distinct other centre ids");
        }

        Range(errors, "centre:", "serviceHoursPerDay", c.ServiceHoursPerDay, 0, 24);
        ValidateRetention(errors, c);
        ValidateProvince(errors, c);
    }

    /// <summary>
    /// Records, cases and follow-ups are kept 3–10 years (the law's minimum is 3); recordings 1 day to 10 years and never
    /// longer than the records they belong to. 0 is what a configuration stored before the settings holds: it reads as the default.
    /// </summary>
    private static void ValidateRetention(List<string> errors, CentreConfig c)
    {
        if (c.RecordRetentionYears != 0)
        {
            Range(errors, "centre:", "recordRetentionYears", c.RecordRetentionYears, CentreConfig.MinRecordRetentionYears, CentreConfig.MaxRecordRetentionYears);
        }

        Range(errors, "centre:", "recordingRetentionDays", c.RecordingRetentionDays, 0, CentreConfig.MaxRecordingRetentionDays);
        if (c.EffectiveRecordingRetentionDays > c.EffectiveRecordRetentionYears * 365)
        {
            errors.Add("centre: recordingRetentionDays must not exceed the record retention (recordings are purged with or before their records)");
        }
    }

    /// <summary>A provincial centre, its opening hours (18 h a day at least) and its backup number.</summary>
    private static void ValidateProvince(List<string> errors, CentreConfig c)
    {
        errors.AddRange(Routing.RegionRouting.ValidateHours(c.OpeningHours));
        if (c.BackupNumber is { } backup && (backup.StartsWith("client:", StringComparison.Ordinal) || !IsDialable(backup)))
        {
            errors.Add("centre: backupNumber must be 3–16 digits (optionally +)");
        }

        if (c.IsProvincial && c.City is not null)
        {
            errors.Add("centre: a provincial centre has no city (its local callers are the whole province's)");
        }
    }

    /// <summary>Every problem with a queue's configuration; empty when it is usable.</summary>
    public static IReadOnlyList<string> Validate(QueueConfig q)
    {
        var errors = new List<string>();
        if (!Keys.IsValidId(q.QueueId))
        {
            errors.Add($"queue id '{q.QueueId}' is invalid");
        }

        var p = $"queue '{q.QueueId}':";
        if (string.IsNullOrWhiteSpace(q.DisplayName) || q.DisplayName.Length > 100)
        {
            errors.Add($"{p} display name must be 1–100 characters");
        }

        Range(errors, p, "agingPointsPerSecond", q.AgingPointsPerSecond, 0, 100);
        Range(errors, p, "minSkillLevel", q.MinSkillLevel, 0, 5);
        Range(errors, p, "widenedMinSkillLevel", q.WidenedMinSkillLevel, 0, 5);
        Range(errors, p, "skillWideningAfterSeconds", q.SkillWideningAfterSeconds, 0, 3600);
        Range(errors, p, "languageWideningAfterSeconds", q.LanguageWideningAfterSeconds, 0, 3600);
        Range(errors, p, "ringTimeoutSeconds", q.RingTimeoutSeconds, 5, 120);
        Range(errors, p, "wrapUpSeconds", q.WrapUpSeconds, 0, 3600);
        Range(errors, p, "overflowAfterSeconds", q.OverflowAfterSeconds, 5, 3600);
        Range(errors, p, "crisisOverflowAfterSeconds", q.CrisisOverflowAfterSeconds, 5, 3600);
        Range(errors, p, "retryAfterMissSeconds", q.RetryAfterMissSeconds, 0, 3600);
        if (q.CrisisOverflowAfterSeconds > q.OverflowAfterSeconds)
        {
            errors.Add($"{p} crisisOverflowAfterSeconds must not exceed overflowAfterSeconds (crisis overflows sooner)");
        }

        if (q.WidenedMinSkillLevel > q.MinSkillLevel)
        {
            errors.Add($"{p} widenedMinSkillLevel must not exceed minSkillLevel (widening only relaxes)");
        }

        if (q.RequiredSkill is not null && !Keys.IsValidId(q.RequiredSkill))
        {
            errors.Add($"{p} requiredSkill '{q.RequiredSkill}' is invalid");
        }

        if (q.OverflowTargetQueueKey is not null)
        {
            try
            {
                var (c, qq) = Keys.ParseQueue(q.OverflowTargetQueueKey);
                if (!Keys.IsValidId(c) || !Keys.IsValidId(qq))
                {
                    errors.Add($"{p} overflow target '{q.OverflowTargetQueueKey}' is invalid");
                }
            }
            catch (HotlineRuleException)
            {
                errors.Add($"{p} overflow target '{q.OverflowTargetQueueKey}' is not of the form centre/queue");
            }
        }

        return errors;
    }

    /// <summary>Every problem with a centre's configuration; empty when it is usable.</summary>
    public static IReadOnlyList<string> Validate(CentreConfig c, string expectedCentreId)
    {
        var errors = new List<string>();
        if (c.CentreId != expectedCentreId)
        {
            errors.Add($"centre id '{c.CentreId}' does not match '{expectedCentreId}'");
        }

        if (string.IsNullOrWhiteSpace(c.DisplayName) || c.DisplayName.Length > 100)
        {
            errors.Add("display name must be 1–100 characters");
        }

        if (c.Queues.IsDefaultOrEmpty)
        {
            errors.Add("a centre needs at least one queue");
            return errors;
        }

        foreach (var q in c.Queues)
        {
            errors.AddRange(Validate(q));
        }

        var ids = c.Queues.Select(q => q.QueueId).ToList();
        foreach (var dup in ids.GroupBy(i => i).Where(g => g.Count() > 1))
        {
            errors.Add($"queue id '{dup.Key}' appears more than once");
        }

        foreach (var q in c.Queues)
        {
            if (q.OverflowTargetQueueKey == $"{c.CentreId}/{q.QueueId}")
            {
                errors.Add($"queue '{q.QueueId}' overflows to itself");
            }
        }

        if (!ids.Contains(c.DefaultQueueId))
        {
            errors.Add($"default queue '{c.DefaultQueueId}' is not one of the centre's queues");
        }

        Range(errors, "centre:", "defaultPriority", c.DefaultPriority, 0, 1000);
        Range(errors, "centre:", "highRiskCallerPriorityBoost", c.HighRiskCallerPriorityBoost, 0, 1000);
        Range(errors, "centre:", "maxMenuAttempts", c.MaxMenuAttempts, 1, 5);

        // 0 reads as the default, so a configuration stored before these settings existed stays valid.
        Range(errors, "centre:", "followUpAttemptsBeforeEscalation", c.FollowUpAttemptsBeforeEscalation, 0, 10);
        Range(errors, "centre:", "recordSubmitWithinMinutes", c.RecordSubmitWithinMinutes, 0, 1440);
        ValidateRegionAndReports(errors, c);
        Range(errors, "centre:", "followUpOverdueGraceMinutes", c.FollowUpOverdueGraceMinutes, 0, 1440);
        Range(errors, "centre:", "callbackAttempts", c.CallbackAttempts, 0, 10);
        Range(errors, "centre:", "decompressionMinutes", c.DecompressionMinutes, 0, 60);
        Range(errors, "centre:", "highRiskCallsPerShift", c.HighRiskCallsPerShift, 0, 50);
        if (c.UnmaskGrantMinutes != 0)
        {
            // 0 is a configuration from before the setting: it reads as the default.
            Range(errors, "centre:", "unmaskGrantMinutes", c.UnmaskGrantMinutes, 1, 60);
        }

        if (c.CallbackRetrySeconds != 0)
        {
            Range(errors, "centre:", "callbackRetrySeconds", c.CallbackRetrySeconds, 60, 3600);
        }
        var options = c.IvrOptions.IsDefault ? [] : c.IvrOptions;
        if (!options.Any(o => o.IsCrisis))
        {
            errors.Add("the IVR menu must have an \"I am in danger now\" (crisis) option");
        }

        foreach (var o in options)
        {
            if (o.Digits.Length is < 1 or > 4 || !o.Digits.All(char.IsAsciiDigit))
            {
                errors.Add($"IVR option '{o.Digits}' must be 1–4 digits");
            }

            if (!ids.Contains(o.QueueId))
            {
                errors.Add($"IVR option '{o.Digits}' routes to unknown queue '{o.QueueId}'");
            }

            Range(errors, $"IVR option '{o.Digits}':", "basePriority", o.BasePriority, 0, 1000);
        }

        foreach (var dup in options.GroupBy(o => o.Digits).Where(g => g.Count() > 1))
        {
            errors.Add($"IVR digits '{dup.Key}' are used more than once");
        }

        Range(errors, "centre:", "callbackOfferAfterSeconds", c.CallbackOfferAfterSeconds, 0, 3600);
        Range(errors, "centre:", "announceIntervalSeconds", c.AnnounceIntervalSeconds, 15, 600);
        var p = c.Prompts;
        foreach (var (name, text) in new[] { ("satisfactionQuestion", p.SatisfactionQuestion), ("satisfactionThanks", p.SatisfactionThanks) })
        {
            // Blank (a configuration stored before the survey existed) is heard in the default wording.
            if (text is { Length: > 1000 })
            {
                errors.Add($"prompt {name} must be at most 1000 characters");
            }
        }

        foreach (var (name, text) in new[]
        {
            ("greeting", p.Greeting), ("recordingNotice", p.RecordingNotice), ("menu", p.Menu), ("invalidChoice", p.InvalidChoice),
            ("pleaseHold", p.PleaseHold), ("callbackOffer", p.CallbackOffer), ("callbackConfirmed", p.CallbackConfirmed),
            ("positionAnnouncement", p.PositionAnnouncement), ("positionAnnouncementUnderAMinute", p.PositionAnnouncementUnderAMinute),
            ("voice", p.Voice), ("language", p.Language), ("blockedMessage", p.BlockedMessage),
        })
        {
            if (string.IsNullOrWhiteSpace(text) || text.Length > 1000)
            {
                errors.Add($"prompt {name} must be 1–1000 characters");
            }
        }

        // The position announcements are format strings: a stray brace would make every waiting caller hear the fallback.
        foreach (var (name, text, args) in new[] { ("positionAnnouncement", p.PositionAnnouncement, 2), ("positionAnnouncementUnderAMinute", p.PositionAnnouncementUnderAMinute, 1) })
        {
            if (!string.IsNullOrEmpty(text) && !FormatsWith(text, args))
            {
                errors.Add($"prompt {name} may use only {(args == 2 ? "{0} (callers ahead) and {1} (minutes)" : "{0} (callers ahead)")} and no other braces");
            }
        }

        foreach (var (name, url) in new[] { ("holdMusicUrl", p.HoldMusicUrl), ("selfHelpAudioUrl", p.SelfHelpAudioUrl), ("greetingAudioUrl", p.GreetingAudioUrl) })
        {
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"prompt {name} must be an absolute https URL");
            }
        }

        var directory = c.Directory.IsDefault ? [] : c.Directory;
        foreach (var d in directory)
        {
            if (!Keys.IsValidId(d.EntryId))
            {
                errors.Add($"directory entry id '{d.EntryId}' is invalid");
            }

            if (string.IsNullOrWhiteSpace(d.Label) || d.Label.Length > 60)
            {
                errors.Add($"directory entry '{d.EntryId}': label must be 1–60 characters");
            }

            if (!Enum.IsDefined(d.Kind))
            {
                errors.Add($"directory entry '{d.EntryId}': kind '{d.Kind}' is unknown");
            }

            if (!IsDialable(d.Number))
            {
                errors.Add($"directory entry '{d.EntryId}': number must be 3–16 digits (optionally +) or client:<staff id>");
            }
        }

        if (directory.Select(d => d.EntryId).Distinct().Count() != directory.Length)
        {
            errors.Add("directory entry ids must be unique");
        }

        return errors;
    }

    private static void Range(List<string> errors, string prefix, string name, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            errors.Add($"{prefix} {name} must be between {min} and {max} (was {value})");
        }
    }

    /// <summary>A number the telephony provider can dial: 3–16 digits with an optional leading +, or a browser client.</summary>
    public static bool IsDialable(string? number) =>
        number is not null
        && (number.StartsWith("client:", StringComparison.Ordinal)
            ? Keys.IsValidId(number["client:".Length..])
            : number.TrimStart('+').Length is >= 3 and <= 16 && number.TrimStart('+').All(char.IsAsciiDigit) && number.LastIndexOf('+') <= 0);

    private static bool FormatsWith(string format, int args)
    {
        try
        {
            _ = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, [.. Enumerable.Range(1, args).Cast<object>()]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
