using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>The administrator's pages in Chromium: configuration is validated before it is stored, staff are added end to end.</summary>
[Collection(BrowserTest.Collection)]
public sealed class AdminBrowserTests : BrowserTest
{
    [Fact]
    public async Task Invalid_queue_thresholds_are_refused_with_the_reason_and_a_valid_prompt_change_is_stored()
    {
        var page = await AdminPageAsync();
        var before = await Host.Grains.GetGrain<ICentreGrain>("xa-12356").GetConfigAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "队列" }).ClickAsync();
        var general = page.Locator("[data-testid='queue-form-general']");
        await general.Locator("[data-testid=queue-crisis-overflow-after]").FillAsync("600");
        await general.Locator("[data-testid=queue-crisis-overflow-after]").BlurAsync();
        await page.Locator("[data-testid=admin-save]:visible").ClickAsync();
        await Expect(page.Locator("[data-testid=admin-problems]")).ToContainTextAsync("crisisOverflowAfterSeconds must not exceed overflowAfterSeconds");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory("screenshots").FullName, "admin.png") });
        Assert.Equal(before, await Host.Grains.GetGrain<ICentreGrain>("xa-12356").GetConfigAsync());

        await general.Locator("[data-testid=queue-crisis-overflow-after]").FillAsync("20");
        await page.GetByRole(AriaRole.Tab, new() { Name = "提示音与语音导航" }).ClickAsync();
        await page.Locator("[data-testid=prompt-greeting]").FillAsync("您好，这里是西安12356心理援助热线，我们在听。");
        await page.Locator("[data-testid=prompt-greeting]").BlurAsync();
        await page.Locator("[data-testid=admin-save]:visible").ClickAsync();
        await Expect(page.GetByText("已保存")).ToBeVisibleAsync();

        var after = (await Host.Grains.GetGrain<ICentreGrain>("xa-12356").GetConfigAsync())!;
        Assert.Equal("您好，这里是西安12356心理援助热线，我们在听。", after.Prompts.Greeting);
        Assert.Equal(20, after.Queues.Single(q => q.QueueId == "general").CrisisOverflowAfterSeconds);
    }

    [Fact]
    public async Task Administrator_adds_a_counselor_and_their_account_and_the_new_counselor_signs_in_to_the_desk()
    {
        var page = await AdminPageAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "咨询员" }).ClickAsync();
        await page.Locator("[data-testid=counselor-add]").ClickAsync();
        var form = page.Locator("[data-testid=counselor-form]");
        await form.Locator("[data-testid=counselor-id]").FillAsync("c-sun");
        await form.Locator("[data-testid=counselor-name]").FillAsync("孙悦");
        await form.Locator("[data-testid=counselor-skills]").FillAsync("general:3, youth:x");
        await form.Locator("[data-testid=counselor-skills]").BlurAsync();
        await form.Locator("[data-testid=counselor-save]").ClickAsync();
        await Expect(page.Locator("[data-testid=admin-problems]")).ToContainTextAsync("youth:x");
        await form.Locator("[data-testid=counselor-skills]").FillAsync("general:3, youth:4");
        await form.Locator("[data-testid=counselor-skills]").BlurAsync();
        await form.Locator("[data-testid=counselor-save]").ClickAsync();
        await Expect(page.Locator("[data-testid=admin-counselor-c-sun]")).ToContainTextAsync("youth:4");
        var profile = (await Host.Grains.GetGrain<ICounselorGrain>("c-sun").GetAsync()).Profile!;
        Assert.Equal(("孙悦", 4), (profile.DisplayName, profile.LevelOf("youth")));

        await page.GetByRole(AriaRole.Tab, new() { Name = "用户与角色" }).ClickAsync();
        await page.Locator("[data-testid=account-add]").ClickAsync();
        var account = page.Locator("[data-testid=account-form]");
        await account.Locator("[data-testid=account-username]").FillAsync("c-sun");
        await account.Locator("[data-testid=account-name]").FillAsync("孙悦");
        await account.Locator("[data-testid=account-counselor]").FillAsync("c-sun");
        await account.Locator("[data-testid=account-password]").FillAsync("sun-password-2026");
        await account.Locator(".mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "咨询员" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await account.Locator("[data-testid=account-save]").ClickAsync();
        await Expect(page.Locator("[data-testid=account-c-sun]")).ToContainTextAsync("咨询员");
        Assert.Equal([StaffRole.Counselor], (await Host.Grains.GetGrain<IUserAccountGrain>("c-sun").GetAsync())!.Roles.AsEnumerable());

        var desk = await SignedInPageAsync("c-sun", "sun-password-2026");
        await Expect(desk).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/desk$"));
        await Expect(desk.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "咨询员工作台 · 孙悦" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Administrator_creates_a_second_centre_with_a_crisis_option_and_switches_to_it()
    {
        var page = await AdminPageAsync();

        await page.Locator("[data-testid=new-centre-id]").FillAsync("bj-12356");
        await page.Locator("[data-testid=new-centre-name]").FillAsync("北京市12356心理援助热线");
        await page.Locator("[data-testid=new-centre-create]").ClickAsync();
        await Expect(page.GetByText("已保存")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=centre-name]")).ToHaveValueAsync("北京市12356心理援助热线");

        var config = (await Host.Grains.GetGrain<ICentreGrain>("bj-12356").GetConfigAsync())!;
        Assert.Contains(config.IvrOptions, o => o.IsCrisis);
        Assert.Contains("bj-12356", await Host.Grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync());
        Assert.Equal("西安市12356心理援助热线", (await Host.Grains.GetGrain<ICentreGrain>("xa-12356").GetConfigAsync())!.DisplayName);
    }

    [Fact]
    public async Task Supervisor_cannot_open_the_admin_pages()
    {
        var page = await InteractivePageAsync("s-zhou");

        await page.GotoAsync(BaseUrl + "/admin");

        await Expect(page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=admin]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Escalation_rules_with_a_gap_are_refused_and_a_changed_approval_is_published_as_the_next_version()
    {
        var page = await AdminPageAsync();
        var rules = Host.Grains.GetGrain<IEscalationRuleSetGrain>("xa-12356");
        var before = await rules.GetCurrentAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "升级规则" }).ClickAsync();
        var rows = page.Locator("[data-testid=rule-row]");
        await Expect(rows).ToHaveCountAsync(before.Rules.Length);

        // Without the medical-emergency rule nobody would call 120 for an overdose: a gap, refused, nothing stored.
        var medical = before.Rules.First(r => r.Action == ActionKind.Ambulance120);
        await rows.Nth(before.Rules.IndexOf(medical)).Locator("button").Last.ClickAsync();
        await page.Locator("[data-testid=admin-save]:visible").ClickAsync();
        await Expect(page.Locator("[data-testid=admin-problems]")).ToBeVisibleAsync();
        Assert.Equal(before.Version, (await rules.GetCurrentAsync()).Version);

        // A condition that does not parse is named before anything reaches the grain.
        await page.GetByRole(AriaRole.Tab, new() { Name = "升级规则" }).ClickAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=admin][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "升级规则" }).ClickAsync();
        await rows.First.Locator("[data-testid=rule-conditions]").FillAsync("MedicalEmergency");
        await rows.First.Locator("[data-testid=rule-conditions]").BlurAsync();
        await page.Locator("[data-testid=admin-save]:visible").ClickAsync();
        await Expect(page.Locator("[data-testid=admin-problems]")).ToContainTextAsync("condition 'MedicalEmergency' is not one of");
        Assert.Equal(before.Version, (await rules.GetCurrentAsync()).Version);

        // Written right, the same set publishes as the next version; the previous one is kept.
        await rows.First.Locator("[data-testid=rule-conditions]").FillAsync("MedicalEmergencyNow");
        await rows.First.Locator("[data-testid=rule-conditions]").BlurAsync();
        await page.Locator("[data-testid=admin-save]:visible").ClickAsync();
        await Expect(page.GetByText("已保存")).ToBeVisibleAsync();
        var published = await rules.GetCurrentAsync();
        Assert.Equal((before.Version + 1, "admin"), (published.Version, published.PublishedBy));
        Assert.Equal(before.Rules.Select(r => r.RuleId), published.Rules.Select(r => r.RuleId));
        Assert.NotNull(await rules.GetVersionAsync(before.Version));
        await Expect(page.Locator("[data-testid=rule-versions]")).ToContainTextAsync($"v{published.Version}");
    }

    private async Task<IPage> AdminPageAsync()
    {
        var page = await SignedInPageAsync("admin");
        await page.GotoAsync(BaseUrl + "/admin");
        await Expect(page.Locator("[data-testid=admin][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return page;
    }
}
