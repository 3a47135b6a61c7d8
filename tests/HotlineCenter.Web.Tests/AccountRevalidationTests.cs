using System.Net;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests;

/// <summary>An administrator's change to an account reaches sessions already signed in, within a minute.</summary>
public sealed class AccountRevalidationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HotlineHost _host = default!;

    public Task InitializeAsync()
    {
        _host = new HotlineHost(HotlineHost.NewServiceId(), _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Disabled_account_is_signed_out_and_changed_roles_apply_after_the_next_check()
    {
        var accounts = _host.Services.GetRequiredService<AccountService>();
        await accounts.CreateAsync("c-temp", "临时咨询员", [StaffRole.Counselor], "xa-12356", "c-temp", "temp-password-2026");
        await accounts.CreateAsync("s-temp", "临时督导", [StaffRole.Counselor], "xa-12356", "s-temp", "temp-password-2026");
        using var disabled = await SignedInAsync("c-temp");
        using var promoted = await SignedInAsync("s-temp");
        var before = (await disabled.GetAsync("/desk")).StatusCode;
        var liveBefore = (await promoted.GetAsync("/")).StatusCode;

        await accounts.UpdateAsync("c-temp", new AccountUpdate("临时咨询员", [StaffRole.Counselor], "c-temp", Disabled: true), "admin");
        await accounts.UpdateAsync("s-temp", new AccountUpdate("临时督导", [StaffRole.Supervisor], null, Disabled: false), "admin");
        var withinTheMinute = (await disabled.GetAsync("/desk")).StatusCode;
        _clock.Advance(TimeSpan.FromSeconds(61));
        var afterCheck = await disabled.GetAsync("/desk");
        var liveAfter = (await promoted.GetAsync("/")).StatusCode;

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (before, withinTheMinute));
        Assert.Equal(HttpStatusCode.Redirect, afterCheck.StatusCode);
        Assert.StartsWith("/login", afterCheck.Headers.Location!.AbsolutePath);
        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.OK), (liveBefore, liveAfter));
    }

    [Fact]
    public async Task Password_reset_signs_out_every_existing_session_and_the_new_password_signs_in()
    {
        var accounts = _host.Services.GetRequiredService<AccountService>();
        await accounts.CreateAsync("c-reset", "临时咨询员", [StaffRole.Counselor], "xa-12356", "c-reset", "temp-password-2026");
        using var stolen = await SignedInAsync("c-reset");
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/desk")).StatusCode);

        await accounts.ResetPasswordAsync("c-reset", "a-fresh-password-2026", "admin");
        _clock.Advance(TimeSpan.FromSeconds(61));
        var old = await stolen.GetAsync("/desk");
        using var fresh = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var again = await SignIn.PostLoginAsync(fresh, "c-reset", "a-fresh-password-2026");

        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.StartsWith("/login", old.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/desk")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task A_sign_in_ends_after_its_absolute_lifetime_however_active_it_was()
    {
        var accounts = _host.Services.GetRequiredService<AccountService>();
        await accounts.CreateAsync("c-long", "临时咨询员", [StaffRole.Counselor], "xa-12356", "c-long", "temp-password-2026");
        using var shift = await SignedInAsync("c-long");

        var statuses = new List<HttpStatusCode>();
        for (var hour = 1; hour <= 11; hour++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            statuses.Add((await shift.GetAsync("/desk")).StatusCode);
        }

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var past = await shift.GetAsync("/desk");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.Redirect, past.StatusCode);
        Assert.StartsWith("/login", past.Headers.Location!.AbsolutePath);
    }

    private async Task<HttpClient> SignedInAsync(string username)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await SignIn.PostLoginAsync(client, username, "temp-password-2026");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }
}
