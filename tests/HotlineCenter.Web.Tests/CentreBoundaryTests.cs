using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// Least privilege: a supervisor acts only within their own centre (call, recording, live feed), and the administrator
/// (the IT role) neither listens in nor streams recordings. The host runs Twilio so the recording endpoint exists.
/// </summary>
public sealed class CentreBoundaryTests : IAsyncLifetime
{
    private const string Password = "boundary-password-2026";
    private TwilioHost _twilio = default!;
    private string _callSid = default!;

    public async Task InitializeAsync()
    {
        _twilio = await TwilioHost.StartAsync();
        var accounts = _twilio.Host.Services.GetRequiredService<AccountService>();
        await accounts.CreateAsync("s-bj", "北京督导", [StaffRole.Supervisor], "bj-12356", null, Password);
        await accounts.CreateAsync("a-xa", "西安管理员", [StaffRole.Admin], "xa-12356", null, Password);
        _callSid = TwilioDriver.NewCallSid();
        await _twilio.CallInAsync(_callSid, "+8613700005678", "2");
    }

    public async Task DisposeAsync() => await _twilio.DisposeAsync();

    private async Task<HttpClient> SignedInAsync(string username, string password = Password)
    {
        var client = _twilio.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(client, username, password);
        return client;
    }

    private static async Task<(HttpStatusCode Status, string? Title, string? Detail)> ProblemOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length == 0)
        {
            return (response.StatusCode, null, null);
        }

        using var json = JsonDocument.Parse(body);
        return (response.StatusCode, json.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null, json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null);
    }

    [Fact]
    public async Task Supervisor_of_another_centre_is_refused_on_the_call_and_its_recording_with_a_reason()
    {
        using var beijing = await SignedInAsync("s-bj");

        var supervise = await ProblemOf(await beijing.PostAsJsonAsync($"/api/calls/{_callSid}/supervise", new { action = "monitor" }));
        var addParty = await ProblemOf(await beijing.PostAsJsonAsync($"/api/calls/{_callSid}/supervise", new { action = "add-party", partyNumber = "+8613900001111" }));
        var recording = await ProblemOf(await beijing.GetAsync($"/api/calls/{_callSid}/recordings/RE0123456789abcdef0123456789abcdef"));
        var call = await ProblemOf(await beijing.GetAsync($"/api/calls/{_callSid}"));
        var live = await ProblemOf(await beijing.GetAsync("/api/centres/xa-12356/live"));
        var actFor = await ProblemOf(await beijing.PostAsJsonAsync("/api/counselors/c-wang/presence", new { state = "Available" }));

        foreach (var refused in new[] { supervise, addParty, recording, call, live, actFor })
        {
            Assert.Equal((HttpStatusCode.Forbidden, StaffAccess.OtherCentre), (refused.Status, refused.Title));
            Assert.Contains("another centre", refused.Detail);
        }

        // Nothing happened on the call: no supervisor leg was dialled into its conference.
        Assert.DoesNotContain(_twilio.Api.Requests, r => r.Path.Contains("Participants", StringComparison.Ordinal) && r.Field("Label")?.Contains("s-bj", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Supervisor_of_the_calls_own_centre_passes_the_boundary()
    {
        using var xian = await SignedInAsync("s-zhou", SignIn.DemoPassword);

        var supervise = await ProblemOf(await xian.PostAsJsonAsync($"/api/calls/{_callSid}/supervise", new { action = "monitor" }));
        var live = await xian.GetAsync("/api/centres/xa-12356/live");

        // The call waits in the queue: refused for its state, not for the supervisor's centre.
        Assert.Equal((HttpStatusCode.Conflict, "call.not-connected"), (supervise.Status, supervise.Title));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Administrator_is_refused_listening_in_and_recordings_even_in_their_own_centre()
    {
        using var admin = await SignedInAsync("a-xa");

        var supervise = await ProblemOf(await admin.PostAsJsonAsync($"/api/calls/{_callSid}/supervise", new { action = "monitor" }));
        var addParty = await ProblemOf(await admin.PostAsJsonAsync($"/api/calls/{_callSid}/supervise", new { action = "add-party", partyNumber = "+8613900001111" }));
        var recording = await ProblemOf(await admin.GetAsync($"/api/calls/{_callSid}/recordings/RE0123456789abcdef0123456789abcdef"));

        foreach (var refused in new[] { supervise, addParty, recording })
        {
            Assert.Equal((HttpStatusCode.Forbidden, "role.not-allowed"), (refused.Status, refused.Title));
            Assert.Contains("Supervisor", refused.Detail);
        }
    }

    [Fact]
    public async Task Supervisor_of_another_centre_cannot_join_its_live_feed_group()
    {
        await using var beijing = await HubAsync("s-bj");
        await using var xian = await HubAsync("s-zhou", SignIn.DemoPassword);

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => beijing.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "xa-12356"));
        var own = await xian.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "xa-12356");

        Assert.Contains(StaffAccess.OtherCentre, refused.Message);
        Assert.Equal("xa-12356", own.CentreId);
    }

    [Fact]
    public async Task A_counsellor_id_binds_to_one_account_of_its_own_centre()
    {
        var accounts = _twilio.Host.Services.GetRequiredService<AccountService>();

        var taken = await Assert.ThrowsAsync<HotlineRuleException>(() => accounts.CreateAsync("c-wang2", "王雪二号", [StaffRole.Counselor], "xa-12356", "c-wang", Password));
        var otherCentre = await Assert.ThrowsAsync<HotlineRuleException>(() => accounts.CreateAsync("c-bj2", "北京咨询员", [StaffRole.Counselor], "bj-12356", "c-li", Password));
        await accounts.CreateAsync("c-spare", "备用账号", [StaffRole.Counselor], "xa-12356", "c-spare", Password);
        var movedOnto = await Assert.ThrowsAsync<HotlineRuleException>(() => accounts.UpdateAsync("c-spare", new AccountUpdate("备用账号", [StaffRole.Counselor], "c-zhao", false), "admin"));

        Assert.Equal("account.counselor-taken", taken.Code);
        Assert.Equal("account.counselor-other-centre", otherCentre.Code);
        Assert.Equal("account.counselor-taken", movedOnto.Code);
        Assert.Null(await _twilio.Grains.GetGrain<IUserAccountGrain>("c-wang2").GetAsync());
        Assert.Equal("c-spare", (await _twilio.Grains.GetGrain<IUserAccountGrain>("c-spare").GetAsync())!.CounselorId);
    }

    [Fact]
    public async Task A_centre_administrator_neither_creates_centres_nor_grants_the_provincial_role()
    {
        using var scope = CircuitScope.As(_twilio.Host.Services, "a-xa", StaffRole.Admin, "xa-12356");
        var admin = scope.ServiceProvider.GetRequiredService<AdminService>();

        var create = await Assert.ThrowsAsync<HotlineRuleException>(() => admin.CreateCentreAsync("sh-12356", "上海", "a-xa"));
        var grant = await Assert.ThrowsAsync<HotlineRuleException>(() => admin.SaveAccountAsync("xa-12356",
            new AccountForm { IsNew = true, Username = "p-new", DisplayName = "新省级", Roles = [StaffRole.Admin, StaffRole.Provincial], Password = Password }, "a-xa"));

        Assert.Equal(("account.provincial-only", "account.provincial-only"), (create.Code, grant.Code));
        Assert.Null(await _twilio.Grains.GetGrain<ICentreGrain>("sh-12356").GetConfigAsync());
        Assert.Null(await _twilio.Grains.GetGrain<IUserAccountGrain>("p-new").GetAsync());
    }

    private async Task<HubConnection> HubAsync(string username, string password = Password)
    {
        using var client = _twilio.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var cookie = await SignIn.CookieHeaderAsync(client, username, password);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_twilio.Host.Server.BaseAddress, "/hubs/live"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => _twilio.Host.Server.CreateHandler();
                o.Headers["Cookie"] = cookie;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await connection.StartAsync();
        return connection;
    }
}
