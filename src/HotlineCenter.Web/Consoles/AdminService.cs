using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Web.Accounts;

namespace HotlineCenter.Web.Consoles;

/// <summary>The façade the admin pages use: centres and their configuration, counsellors, accounts and the roster.</summary>
public sealed class AdminService(IGrainFactory grains, AccountService accounts, ILogger<AdminService> logger)
{
    public Task<CentreConfig?> GetConfigAsync(string centreId) => Centre(centreId).GetConfigAsync();

    public Task<ImmutableArray<string>> ListCentresAsync() => grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync();

    /// <summary>A new centre with one general queue and the menu's crisis option, ready to be configured further.</summary>
    public async Task CreateCentreAsync(string centreId, string displayName, string by)
    {
        Keys.RequireId(centreId, "centre");
        await RequireProvincialAsync(by);
        if (await Centre(centreId).GetConfigAsync() is not null)
        {
            throw new HotlineRuleException("centre.exists", $"Centre '{centreId}' exists already.");
        }

        await Centre(centreId).ConfigureAsync(new CentreConfig
        {
            CentreId = centreId,
            DisplayName = displayName?.Trim() ?? string.Empty,
            Queues = [new HotlineCenter.Abstractions.Queues.QueueConfig { QueueId = "general", DisplayName = "综合咨询" }],
            IvrOptions =
            [
                new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null),
                new IvrOption("2", "心理咨询与情绪疏导", "general", IsCrisis: false, BasePriority: 10, RequiredSkill: null, Language: null),
            ],
            DefaultQueueId = "general",
        });
        logger.LogInformation("Centre {CentreId} created by {StaffId}", centreId, by);
    }

    /// <summary>Saves the whole configuration; the centre grain validates it and keeps the old one on any problem.</summary>
    public async Task SaveConfigAsync(CentreConfig config, string by)
    {
        await Centre(config.CentreId).ConfigureAsync(config);
        logger.LogInformation("Configuration of centre {CentreId} saved by {StaffId}", config.CentreId, by);
    }

    public async Task<ImmutableArray<CounselorSnapshot>> GetCounselorsAsync(string centreId)
    {
        var ids = await Centre(centreId).GetRosterAsync();
        var all = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICounselorGrain>(id).GetAsync()));
        return [.. all.OrderBy(c => c.CounselorId, StringComparer.Ordinal)];
    }

    public async Task SaveCounselorAsync(string centreId, string counselorId, CounselorProfile profile, string by)
    {
        Keys.RequireId(counselorId, "counsellor");
        var counselor = grains.GetGrain<ICounselorGrain>(counselorId);
        var existing = await counselor.GetAsync();
        if (existing.Profile is { } current && current.CentreId != centreId)
        {
            throw new HotlineRuleException("counselor.other-centre", "That counsellor id belongs to another centre.");
        }

        await counselor.SetProfileAsync(profile);
        await Centre(centreId).AddCounselorAsync(counselorId);
        logger.LogInformation("Counsellor {CounselorId} of centre {CentreId} saved by {StaffId}", counselorId, centreId, by);
    }

    /// <summary>Saves a counsellor as typed on the admin form; a form that does not parse is refused with every problem.</summary>
    public Task SaveCounselorAsync(string centreId, string counselorId, CounselorForm form, string by)
    {
        var (profile, problems) = form.ToProfile(centreId);
        return profile is null
            ? throw new HotlineRuleException("counselor.invalid-profile", string.Join("; ", problems))
            : SaveCounselorAsync(centreId, counselorId, profile, by);
    }

    public Task<IReadOnlyList<UserAccountView>> ListAccountsAsync(string centreId) => accounts.ListAsync(centreId);

    /// <summary>Creates or updates an account as typed on the admin form; a new password on an existing account resets it.</summary>
    public async Task SaveAccountAsync(string centreId, AccountForm form, string by)
    {
        if (form.Roles.Contains(StaffRole.Provincial))
        {
            await RequireProvincialAsync(by);
        }

        if (form.IsNew)
        {
            await accounts.CreateAsync(form.Username.Trim(), form.DisplayName, form.Roles, centreId, QueueForm.Blank(form.CounselorId), form.Password ?? string.Empty);
            logger.LogInformation("Account {Username} of centre {CentreId} created by {StaffId}", form.Username.Trim(), centreId, by);
            return;
        }

        await accounts.UpdateAsync(form.Username, form.ToUpdate(), by);
        if (!string.IsNullOrEmpty(form.Password))
        {
            await accounts.ResetPasswordAsync(form.Username, form.Password, by);
        }
    }

    public async Task UnlockAccountAsync(string username, string by)
    {
        await accounts.UnlockAsync(username);
        logger.LogInformation("Account {Username} unlocked by {StaffId}", username, by);
    }

    /// <summary>Creating centres and granting the cross-centre role are for someone who spans centres themselves.</summary>
    private async Task RequireProvincialAsync(string by)
    {
        if (await grains.GetGrain<IUserAccountGrain>(by).GetAsync() is not { } actor || !actor.Roles.Contains(StaffRole.Provincial))
        {
            throw new HotlineRuleException("account.provincial-only", "Only a provincial administrator creates centres or grants the provincial role.");
        }
    }

    public Task<RosterView> GetRosterAsync(string centreId) => Roster(centreId).GetAsync();

    /// <summary>Saves the roster as typed; the first shift that does not parse is refused by name.</summary>
    public async Task SaveRosterAsync(string centreId, IEnumerable<ShiftForm> shifts, string by)
    {
        var parsed = shifts.Select(s => s.ToShift()).ToList();
        if (parsed.FirstOrDefault(p => p.Problem is not null).Problem is { } problem)
        {
            throw new HotlineRuleException("roster.invalid", problem);
        }

        await Roster(centreId).SetShiftsAsync([.. parsed.Select(p => p.Shift!)], by);
    }

    public Task<EscalationRuleSet> GetEscalationRulesAsync(string centreId) => grains.GetGrain<IEscalationRuleSetGrain>(centreId).GetCurrentAsync();

    public Task<ImmutableArray<EscalationRuleSet>> GetEscalationHistoryAsync(string centreId) => grains.GetGrain<IEscalationRuleSetGrain>(centreId).GetHistoryAsync();

    /// <summary>Publishes the rules as typed as the next version; rules that do not parse, or a set with a gap or a cycle, are refused.</summary>
    public async Task PublishEscalationRulesAsync(string centreId, IEnumerable<RuleForm> forms, string by)
    {
        var parsed = forms.Select(f => f.ToRule()).ToList();
        if (parsed.SelectMany(p => p.Problems).ToList() is { Count: > 0 } problems)
        {
            throw new HotlineRuleException("crisis.invalid-rule-set", string.Join("; ", problems));
        }

        var published = await grains.GetGrain<IEscalationRuleSetGrain>(centreId).PublishAsync([.. parsed.Select(p => p.Rule!)], by);
        logger.LogInformation("Escalation rules v{Version} of centre {CentreId} published by {StaffId}", published.Version, centreId, by);
    }

    public Task<HotlineCenter.Abstractions.Alerts.AlertSettings> GetAlertSettingsAsync(string centreId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Alerts.ICentreAlertsGrain>(centreId).GetSettingsAsync();

    /// <summary>How unacknowledged crisis alerts widen: to every supervisor, then the on-call number (validated by the alerts grain).</summary>
    public async Task SaveAlertSettingsAsync(string centreId, HotlineCenter.Abstractions.Alerts.AlertSettings settings, string by)
    {
        await grains.GetGrain<HotlineCenter.Abstractions.Alerts.ICentreAlertsGrain>(centreId).ConfigureAsync(settings);
        logger.LogInformation("Alert escalation of centre {CentreId} saved by {StaffId}", centreId, by);
    }

    public Task<LinkageDirectory> GetLinkageDirectoryAsync(string centreId) => grains.GetGrain<ILinkageDirectoryGrain>(centreId).GetAsync();

    public async Task SaveLinkageDirectoryAsync(string centreId, LinkageForm form, string by)
    {
        await grains.GetGrain<ILinkageDirectoryGrain>(centreId).SetAsync(form.ToDirectory());
        logger.LogInformation("Linkage directory of centre {CentreId} saved by {StaffId}", centreId, by);
    }

    private IRosterGrain Roster(string centreId) => grains.GetGrain<IRosterGrain>(centreId);

    private ICentreGrain Centre(string centreId) => grains.GetGrain<ICentreGrain>(centreId);
}
