using Bunit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Web.Components.Desk;
using HotlineCenter.Web.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace HotlineCenter.Web.Tests;

public sealed class ContactRecordFormTests : ConsoleTestContext
{
    private const string CallId = "CA1";
    private const string Counselor = "c-wang";

    // The debounced save completes on a thread-pool continuation; on a loaded build machine give it room.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private readonly FakeGrainFactory _grains = new();
    private readonly FakeContactRecordGrain _record;
    private readonly RecordingAuditTrail _audit = new();
    private readonly IRenderedComponent<MudPopoverProvider> _popovers;

    public ContactRecordFormTests()
    {
        _record = new FakeContactRecordGrain(CallId, Time);
        _grains.Add<IContactRecordGrain>(CallId, _record);
        Services.AddSingleton(new HotlineCenter.Web.Consoles.DeskService(_grains, new UnusedTelephony(), new HotlineTime(Time), _audit));
        _popovers = Render<MudPopoverProvider>();
    }

    private static ContactRecord Complete => new()
    {
        Risk = RiskLevel.Moderate,
        ProblemCategories = ["情绪"],
        Outcome = "情绪缓解，已提供求助资源",
        AgeBand = "18-24",
        Gender = "unknown",
    };

    private IRenderedComponent<ContactRecordForm> RenderForm(DateTimeOffset? connectedAt = null) =>
        Render<ContactRecordForm>(p => p
            .Add(x => x.CallId, CallId)
            .Add(x => x.CounselorId, Counselor)
            .Add(x => x.ConnectedAt, connectedAt));

    private static string Status(IRenderedComponent<ContactRecordForm> form) => form.Find("[data-testid=record-status]").TextContent.Trim();

    [Fact]
    public void Typed_outcome_is_saved_as_a_draft_once_typing_pauses()
    {
        var form = RenderForm();
        Assert.Equal(string.Empty, Status(form));

        form.Find("input[data-testid=record-outcome]").Input("情绪缓解");
        Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Empty(_record.Drafts);

        Time.Advance(TimeSpan.FromMilliseconds(1));
        form.WaitForAssertion(() => Assert.Equal("草稿已保存 14:00:00", Status(form)), Settle);
        var draft = Assert.Single(_record.Drafts);
        Assert.Equal("情绪缓解", draft.Outcome);
        Assert.Equal((RecordStatus.Draft, Counselor), (_record.Status, _record.CounselorId));
    }

    [Fact]
    public void Ticking_a_category_saves_the_draft_at_once()
    {
        var form = RenderForm();

        form.Find("input[data-testid=record-category-学业]").Change(true);

        form.WaitForAssertion(() => Assert.StartsWith("草稿已保存", Status(form)), Settle);
        Assert.Equal("学业", Assert.Single(Assert.Single(_record.Drafts).ProblemCategories));
    }

    [Fact]
    public void A_box_ticked_while_the_stored_draft_is_still_loading_is_kept_when_the_load_answers()
    {
        var slowRead = new TaskCompletionSource();
        _record.HoldReads = slowRead;
        var form = RenderForm();

        form.Find("input[data-testid=record-category-学业]").Change(true);
        form.WaitForAssertion(() => Assert.Single(_record.Drafts), Settle);
        var rendersBeforeLoad = form.RenderCount;
        slowRead.SetResult();
        form.WaitForState(() => form.RenderCount > rendersBeforeLoad, Settle);
        form.Find("input[data-testid=record-category-情绪]").Change(true);

        form.WaitForAssertion(() => Assert.Equal(2, _record.Drafts.Count), Settle);
        Assert.Equal(["学业", "情绪"], _record.Drafts[1].ProblemCategories.AsEnumerable());
        Assert.True(form.Find("input[data-testid=record-category-学业]").HasAttribute("checked"));
    }

    [Fact]
    public void A_draft_saved_before_a_refresh_is_shown_again()
    {
        _record.Seed(RecordStatus.Draft, Complete with { Note = "来电者在宿舍" }, Counselor, Time.GetUtcNow().AddMinutes(-3));

        var form = RenderForm();

        Assert.Equal("草稿已保存 13:57:00", Status(form));
        Assert.Equal("情绪缓解，已提供求助资源", form.Find("input[data-testid=record-outcome]").GetAttribute("value"));
        Assert.Equal("来电者在宿舍", form.Find("textarea[data-testid=record-note]").TextContent.Trim());
        Assert.True(form.Find("input[data-testid=record-category-情绪]").HasAttribute("checked"));
    }

    [Fact]
    public void Submitting_an_empty_record_lists_every_missing_item_and_submits_nothing()
    {
        var form = RenderForm();

        form.Find("[data-testid=record-submit]").Click();

        form.WaitForAssertion(() => Assert.NotEmpty(form.FindAll("[data-testid=record-errors]")), Settle);
        var errors = form.Find("[data-testid=record-errors]").TextContent;
        Assert.Contains("请完成风险评估", errors);
        Assert.Contains("请至少选择一个问题类别", errors);
        Assert.Contains("请填写处理结果", errors);
        Assert.Contains("请选择年龄段", errors);
        Assert.Contains("请选择性别", errors);
        Assert.DoesNotContain("高危或紧急来电须填写回访计划", errors);
        Assert.Empty(_record.Submissions);
        Assert.NotEqual("已提交", Status(form));
    }

    [Fact]
    public void High_risk_without_a_follow_up_plan_is_not_submitted()
    {
        _record.Seed(RecordStatus.Draft, Complete with { Risk = RiskLevel.High }, Counselor, Time.GetUtcNow());
        var form = RenderForm();

        form.Find("[data-testid=record-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal("高危或紧急来电须填写回访计划", form.Find("[data-testid=record-errors]").TextContent.Trim()), Settle);
        Assert.Empty(_record.Submissions);
    }

    [Fact]
    public void A_complete_record_is_submitted_and_the_form_locks()
    {
        _record.Seed(RecordStatus.Draft, Complete, Counselor, Time.GetUtcNow());
        var form = RenderForm();

        form.Find("[data-testid=record-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal("已提交", Status(form)), Settle);
        var submitted = Assert.Single(_record.Submissions);
        Assert.Equal((RiskLevel.Moderate, "情绪", "情绪缓解，已提供求助资源"), (submitted.Risk, Assert.Single(submitted.ProblemCategories), submitted.Outcome));
        Assert.Empty(form.FindAll("[data-testid=record-errors]"));
        Assert.Empty(form.FindAll("[data-testid=record-submit]"));
        Assert.NotEmpty(form.FindAll("[data-testid=record-amend]"));
        Assert.True(form.Find("input[data-testid=record-outcome]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_submitted_record_is_amended_with_a_reason_and_shows_the_amendment_old_to_new()
    {
        _record.Seed(RecordStatus.Submitted, Complete, Counselor, Time.GetUtcNow());
        var form = RenderForm();
        Assert.Empty(form.FindAll("[data-testid=record-amendments]"));

        form.Find("[data-testid=record-amend]").Click();
        form.Find("input[data-testid=record-outcome]").Input("情绪缓解，已转介社区");
        Time.Advance(TimeSpan.FromMilliseconds(500));
        form.Find("input[data-testid=record-amend-reason]").Input("补记转介");
        form.WaitForAssertion(() => Assert.False(form.Find("[data-testid=record-amend-save]").HasAttribute("disabled")), Settle);
        form.Find("[data-testid=record-amend-save]").Click();

        form.WaitForAssertion(() => Assert.NotEmpty(form.FindAll("[data-testid=record-amendment]")), Settle);
        var amendment = Assert.Single(_record.Amendments);
        Assert.Equal((Counselor, "补记转介", "outcome"), (amendment.Author, amendment.Reason, Assert.Single(amendment.Changes).Field));
        Assert.Empty(_record.Drafts);
        Assert.Contains("补记转介", form.Find("[data-testid=record-amendment-reason]").TextContent);
        Assert.Equal("处理结果：情绪缓解，已提供求助资源 → 情绪缓解，已转介社区", form.Find("[data-testid=record-amendment-change]").TextContent.Trim());
        Assert.True(form.Find("input[data-testid=record-outcome]").HasAttribute("disabled"));
        Assert.Contains(_audit.Entries, e => e.Kind == HotlineCenter.Abstractions.Audit.AuditKind.RecordAmended && e.Target == CallId && e.Detail == $"part={Counselor}");
    }

    [Fact]
    public void An_amendment_that_changes_nothing_is_refused_in_words_and_nothing_is_appended()
    {
        _record.Seed(RecordStatus.Submitted, Complete, Counselor, Time.GetUtcNow());
        var form = RenderForm();

        form.Find("[data-testid=record-amend]").Click();
        form.Find("input[data-testid=record-amend-reason]").Input("复核");
        form.WaitForAssertion(() => Assert.False(form.Find("[data-testid=record-amend-save]").HasAttribute("disabled")), Settle);
        form.Find("[data-testid=record-amend-save]").Click();

        form.WaitForAssertion(() => Assert.Equal("更正没有改变任何内容", form.Find("[data-testid=record-errors]").TextContent.Trim()), Settle);
        Assert.Empty(_record.Amendments);
    }

    [Fact]
    public void A_rule_error_from_the_grain_on_submit_is_shown_and_the_record_stays_open()
    {
        // The call says this counsellor was never on it: the grain refuses the write, whatever the form thinks of the fields.
        _record.Seed(RecordStatus.Draft, Complete, Counselor, Time.GetUtcNow());
        var form = RenderForm();
        _record.FailNextWriteWith = new HotlineRuleException("record.not-yours", "Only a counsellor who took the call writes (their part of) its record.");

        form.Find("[data-testid=record-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal(
            "只有接听该来电的咨询员可以填写登记", form.Find("[data-testid=record-errors]").TextContent.Trim()), Settle);
        Assert.Empty(_record.Submissions);
        Assert.NotEqual("已提交", Status(form));
        Assert.False(form.Find("[data-testid=record-submit]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_rule_error_from_the_grain_on_autosave_is_shown()
    {
        var form = RenderForm();

        form.Find("textarea[data-testid=record-note]").Input(new string('记', 4001));
        Time.Advance(TimeSpan.FromMilliseconds(500));

        form.WaitForAssertion(() => Assert.Equal(
            "note is longer than 4000 characters", form.Find("[data-testid=record-errors]").TextContent.Trim()), Settle);
        Assert.Empty(_record.Drafts);
        Assert.Equal(string.Empty, Status(form));
    }

    [Fact]
    public void A_failed_autosave_shows_the_generic_error_not_the_exception()
    {
        _record.FailNextWriteWith = new TimeoutException("silo 10.0.0.7 did not answer");
        var form = RenderForm();

        form.Find("input[data-testid=record-category-家庭]").Change(true);

        form.WaitForAssertion(() => Assert.Equal(
            "请求未能完成，已记录。请刷新页面重试。", form.Find("[data-testid=record-errors]").TextContent.Trim()), Settle);
        Assert.DoesNotContain("10.0.0.7", form.Markup);
    }

    [Fact]
    public void Risk_prompt_appears_at_ten_minutes_without_an_assessment()
    {
        var connected = Time.GetUtcNow().AddMinutes(-10).AddSeconds(1);
        var form = RenderForm(connected);
        Assert.Empty(form.FindAll("[data-testid=risk-prompt]"));

        Time.Advance(TimeSpan.FromSeconds(1));
        form.Render();

        Assert.Equal("通话已超过10分钟，尚未进行风险评估，请评估。", form.Find("[data-testid=risk-prompt]").TextContent.Trim());
    }

    [Fact]
    public void Assessing_risk_saves_it_and_clears_the_prompt()
    {
        var connected = Time.GetUtcNow().AddMinutes(-12);
        var form = RenderForm(connected);
        Assert.NotEmpty(form.FindAll("[data-testid=risk-prompt]"));

        ChooseRisk(form, "中危");

        form.WaitForAssertion(() => Assert.Empty(form.FindAll("[data-testid=risk-prompt]")), Settle);
        Assert.Equal(RiskLevel.Moderate, Assert.Single(_record.Drafts).Risk);
    }

    [Fact]
    public void No_risk_prompt_once_risk_was_assessed()
    {
        var connected = Time.GetUtcNow().AddMinutes(-30);
        _record.Seed(RecordStatus.Draft, new ContactRecord { Risk = RiskLevel.NoneOrLow }, Counselor, Time.GetUtcNow());
        Assert.Empty(RenderForm(connected).FindAll("[data-testid=risk-prompt]"));
    }

    /// <summary>Opens the risk select and clicks the level, as a counsellor does.</summary>
    private void ChooseRisk(IRenderedComponent<ContactRecordForm> form, string label)
    {
        form.Find("[data-testid=record-risk]").MouseDown();
        _popovers.WaitForAssertion(() => Assert.NotEmpty(_popovers.FindAll(".mud-popover-open .mud-list-item")), Settle);
        _popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == label).Click();
    }

    [Fact]
    public void Choosing_an_age_band_and_a_gender_saves_them_and_the_choice_shows_as_pressed()
    {
        var form = RenderForm();

        form.Find("[data-testid=record-age-14-17]").Click();
        form.WaitForAssertion(() => Assert.Equal("14-17", _record.Record.AgeBand), Settle);
        form.Find("[data-testid=record-gender-female]").Click();

        form.WaitForAssertion(() => Assert.Equal(("14-17", "female"), (_record.Record.AgeBand, _record.Record.Gender)), Settle);
        Assert.Equal("true", form.Find("[data-testid=record-age-14-17]").GetAttribute("aria-pressed"));
        Assert.Equal("false", form.Find("[data-testid=record-age-18-24]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void A_third_party_caller_needs_a_relation_and_an_other_referral_its_description_before_submitting()
    {
        _record.Seed(RecordStatus.Draft, Complete with { ThirdParty = true, Referrals = ["other"] }, Counselor, Time.GetUtcNow());
        var form = RenderForm();

        form.Find("[data-testid=record-submit]").Click();

        form.WaitForAssertion(() => Assert.Equal("代他人求助须选择与当事人关系；请说明其他转介", form.Find("[data-testid=record-errors]").TextContent.Trim()), Settle);
        Assert.NotEmpty(form.FindAll("[data-testid=record-relation-parent]"));
        Assert.NotEmpty(form.FindAll("input[data-testid=record-referral-other]"));
        Assert.Empty(_record.Submissions);
    }

    [Fact]
    public void Interventions_and_referrals_are_lists_kept_in_the_order_they_are_offered()
    {
        var form = RenderForm();

        form.Find("[data-testid=record-referral-school]").Click();
        form.WaitForAssertion(() => Assert.Single(_record.Record.Referrals), Settle);
        form.Find("[data-testid=record-referral-hospital]").Click();
        form.WaitForAssertion(() => Assert.Equal(2, _record.Record.Referrals.Length), Settle);
        form.Find("[data-testid=record-intervention-safety-plan]").Click();

        form.WaitForAssertion(() => Assert.Equal<string>(["safety-plan"], _record.Record.InterventionsGiven), Settle);
        Assert.Equal<string>(["hospital", "school"], _record.Record.Referrals);
    }
}
