using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Web.Accounts;

namespace HotlineCenter.Web.Consoles;

/// <summary>
/// The façade the admin pages use: centres and their configuration, counsellors, accounts and the roster. Every method
/// acts only within the signed-in administrator's own centre (their centre claim; the Provincial role spans centres),
/// as <see cref="StaffAccess"/> decides for supervisors: another centre is refused with <c>centre.not-yours</c> before
/// anything is read or stored, and a refused change is audited as such. Without a signed-in user nothing is allowed.
/// </summary>
public sealed class AdminService(IGrainFactory grains, AccountService accounts, ILogger<AdminService> logger, HotlineCenter.Web.Audit.IAuditTrail audit,
    Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider? signedIn = null)
{
    public async Task<CentreConfig?> GetConfigAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await Centre(centreId).GetConfigAsync();
    }

    /// <summary>Every centre for someone who spans centres; otherwise only the administrator's own.</summary>
    public async Task<ImmutableArray<string>> ListCentresAsync()
    {
        var user = await SignedInAsync();
        var all = await grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync();
        return user is null ? [] : user.SpansCentres() ? all : [.. all.Where(user.MayActIn)];
    }

    /// <summary>A new centre with one general queue and the menu's crisis option, ready to be configured further.</summary>
    public async Task CreateCentreAsync(string centreId, string displayName, string by)
    {
        Keys.RequireId(centreId, "centre");
        if (await SignedInAsync() is not { } user || !user.SpansCentres())
        {
            throw new HotlineRuleException("account.provincial-only", "Only a provincial administrator creates centres or grants the provincial role.");
        }

        await RequireProvincialAsync(by);
        if (await Centre(centreId).GetConfigAsync() is not null)
        {
            throw new HotlineRuleException("centre.exists", $"Centre '{centreId}' exists already.");
        }

        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, centreId, () => Centre(centreId).ConfigureAsync(new CentreConfig
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
        }), "create-centre");
        logger.LogInformation("Centre {CentreId} created by {StaffId}", centreId, by);
    }

    /// <summary>Saves the whole configuration; the centre grain validates it and keeps the old one on any problem.</summary>
    public async Task SaveConfigAsync(CentreConfig config, string by)
    {
        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, config.CentreId, async () =>
        {
            await RequireCentreAsync(config.CentreId);
            await Centre(config.CentreId).ConfigureAsync(config);
        }, "centre-config");
        logger.LogInformation("Configuration of centre {CentreId} saved by {StaffId}", config.CentreId, by);
    }

    public async Task<ImmutableArray<CounselorSnapshot>> GetCounselorsAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        var ids = await Centre(centreId).GetRosterAsync();
        var all = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICounselorGrain>(id).GetAsync()));
        return [.. all.OrderBy(c => c.CounselorId, StringComparer.Ordinal)];
    }

    public async Task SaveCounselorAsync(string centreId, string counselorId, CounselorProfile profile, string by)
    {
        Keys.RequireId(counselorId, "counsellor");
        await RequireCentreAsync(centreId);
        var counselor = grains.GetGrain<ICounselorGrain>(counselorId);
        var existing = await counselor.GetAsync();
        if (existing.Profile is { } current && current.CentreId != centreId)
        {
            throw new HotlineRuleException("counselor.other-centre", "That counsellor id belongs to another centre.");
        }

        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, counselorId, () => counselor.SetProfileAsync(profile), "counselor-profile");
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

    public async Task<IReadOnlyList<UserAccountView>> ListAccountsAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await accounts.ListAsync(centreId);
    }

    /// <summary>Creates or updates an account as typed on the admin form; a new password on an existing account resets it.</summary>
    public async Task SaveAccountAsync(string centreId, AccountForm form, string by)
    {
        try
        {
            await RequireCentreAsync(centreId, "account");
            if (!form.IsNew && Keys.IsValidId(form.Username) && await grains.GetGrain<IUserAccountGrain>(form.Username).GetAsync() is { } existing && !string.IsNullOrEmpty(existing.CentreId))
            {
                // An existing account is changed only by an administrator of its own centre, whatever centre the form names.
                await RequireCentreAsync(existing.CentreId, "account");
            }
        }
        catch (HotlineRuleException refused)
        {
            await audit.RecordAsync(HotlineCenter.Abstractions.Audit.AuditKind.AccountChanged, Keys.IsValidId(form.Username?.Trim()) ? form.Username!.Trim() : null, HotlineCenter.Abstractions.Audit.AuditOutcome.Refused, refused.Code);
            throw;
        }
        if (form.Roles.Contains(StaffRole.Provincial))
        {
            await RequireProvincialAsync(by);
        }

        if (form.IsNew)
        {
            await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.AccountChanged, form.Username.Trim(), () => accounts.CreateAsync(form.Username.Trim(), form.DisplayName, form.Roles, centreId, QueueForm.Blank(form.CounselorId), form.Password ?? string.Empty), "create roles=" + string.Join(',', form.Roles));
            logger.LogInformation("Account {Username} of centre {CentreId} created by {StaffId}", form.Username.Trim(), centreId, by);
            return;
        }

        var before = await grains.GetGrain<IUserAccountGrain>(form.Username).GetAsync();
        await audit.TrackAsync(before is not null && !before.Roles.Order().SequenceEqual(form.Roles.Order()) ? HotlineCenter.Abstractions.Audit.AuditKind.RoleChanged : HotlineCenter.Abstractions.Audit.AuditKind.AccountChanged, form.Username, () => accounts.UpdateAsync(form.Username, form.ToUpdate(), by), $"roles={string.Join(',', form.Roles)} disabled={form.Disabled}");
        if (!string.IsNullOrEmpty(form.Password))
        {
            await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.AccountChanged, form.Username, () => accounts.ResetPasswordAsync(form.Username, form.Password, by), "password-reset");
        }
    }

    public async Task UnlockAccountAsync(string username, string by)
    {
        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.AccountChanged, username, async () =>
        {
            var account = await grains.GetGrain<IUserAccountGrain>(username).GetAsync();
            await RequireCentreAsync(account?.CentreId, "account");
            await accounts.UnlockAsync(username);
        }, "unlock");
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

    public async Task<RosterView> GetRosterAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await Roster(centreId).GetAsync();
    }

    /// <summary>Saves the roster as typed; the first shift that does not parse is refused by name.</summary>
    public async Task SaveRosterAsync(string centreId, IEnumerable<ShiftForm> shifts, string by)
    {
        await RequireCentreAsync(centreId);
        var parsed = shifts.Select(s => s.ToShift()).ToList();
        if (parsed.FirstOrDefault(p => p.Problem is not null).Problem is { } problem)
        {
            throw new HotlineRuleException("roster.invalid", problem);
        }

        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, centreId, async () =>
        {
            await RequireCentreAsync(centreId);
            return await Roster(centreId).SetShiftsAsync([.. parsed.Select(p => p.Shift!)], by);
        }, "roster");
    }

    public async Task<EscalationRuleSet> GetEscalationRulesAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await grains.GetGrain<IEscalationRuleSetGrain>(centreId).GetCurrentAsync();
    }

    public async Task<ImmutableArray<EscalationRuleSet>> GetEscalationHistoryAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await grains.GetGrain<IEscalationRuleSetGrain>(centreId).GetHistoryAsync();
    }

    /// <summary>Publishes the rules as typed as the next version; rules that do not parse, or a set with a gap or a cycle, are refused.</summary>
    public async Task PublishEscalationRulesAsync(string centreId, IEnumerable<RuleForm> forms, string by)
    {
        await RequireCentreAsync(centreId);
        var parsed = forms.Select(f => f.ToRule()).ToList();
        if (parsed.SelectMany(p => p.Problems).ToList() is { Count: > 0 } problems)
        {
            throw new HotlineRuleException("crisis.invalid-rule-set", string.Join("; ", problems));
        }

        var published = await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, centreId, () => grains.GetGrain<IEscalationRuleSetGrain>(centreId).PublishAsync([.. parsed.Select(p => p.Rule!)], by), "escalation-rules");
        logger.LogInformation("Escalation rules v{Version} of centre {CentreId} published by {StaffId}", published.Version, centreId, by);
    }

    public async Task<HotlineCenter.Abstractions.Alerts.AlertSettings> GetAlertSettingsAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await grains.GetGrain<HotlineCenter.Abstractions.Alerts.ICentreAlertsGrain>(centreId).GetSettingsAsync();
    }

    /// <summary>How unacknowledged crisis alerts widen: to every supervisor, then the on-call number (validated by the alerts grain).</summary>
    public async Task SaveAlertSettingsAsync(string centreId, HotlineCenter.Abstractions.Alerts.AlertSettings settings, string by)
    {
        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, centreId, async () =>
        {
            await RequireCentreAsync(centreId);
            await grains.GetGrain<HotlineCenter.Abstractions.Alerts.ICentreAlertsGrain>(centreId).ConfigureAsync(settings);
        }, "alert-settings");
        logger.LogInformation("Alert escalation of centre {CentreId} saved by {StaffId}", centreId, by);
    }

    public async Task<LinkageDirectory> GetLinkageDirectoryAsync(string centreId)
    {
        await RequireCentreAsync(centreId);
        return await grains.GetGrain<ILinkageDirectoryGrain>(centreId).GetAsync();
    }

    public async Task SaveLinkageDirectoryAsync(string centreId, LinkageForm form, string by)
    {
        await audit.TrackAsync(HotlineCenter.Abstractions.Audit.AuditKind.ConfigChanged, centreId, async () =>
        {
            await RequireCentreAsync(centreId);
            return await grains.GetGrain<ILinkageDirectoryGrain>(centreId).SetAsync(form.ToDirectory());
        }, "linkage-directory");
        logger.LogInformation("Linkage directory of centre {CentreId} saved by {StaffId}", centreId, by);
    }

    /// <summary>The circuit's signed-in user, or null outside a circuit (nothing is allowed then).</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal?> SignedInAsync()
    {
        if (signedIn is null)
        {
            return null;
        }

        try
        {
            var user = (await signedIn.GetAuthenticationStateAsync()).User;
            return user.Identity?.IsAuthenticated == true ? user : null;
        }
        catch (InvalidOperationException)
        {
            // No authentication state in this scope (not a circuit): nobody is signed in.
            return null;
        }
    }

    /// <summary>Refuses (<c>centre.not-yours</c>) unless the signed-in user may act in <paramref name="centreId"/>.</summary>
    private async Task RequireCentreAsync(string? centreId, string what = "centre")
    {
        if (await SignedInAsync() is not { } user || !user.MayActIn(centreId))
        {
            throw StaffAccess.OtherCentreRefusal(what);
        }
    }

    private IRosterGrain Roster(string centreId) => grains.GetGrain<IRosterGrain>(centreId);

    private ICentreGrain Centre(string centreId) => grains.GetGrain<ICentreGrain>(centreId);
}
