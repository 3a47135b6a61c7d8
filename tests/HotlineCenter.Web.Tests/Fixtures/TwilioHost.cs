using System.Net;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.TwilioSimulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>
/// The real host in Twilio mode (seeded demo centre), Twilio's REST API played by a fake on loopback, and a
/// driver that posts signed webhooks as Twilio would.
/// </summary>
public sealed class TwilioHost : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "twilio-auth-token-0123456789";
    public const string PublicBase = "https://hotline.test";
    public const string Hotline = "+862912356";
    public const string Backup = "+862988880000";
    public const string CallerStatusUrl = PublicBase + "/webhooks/twilio/status";

    private TwilioHost(FakeTwilioApi api, HotlineHost host, TwilioDriver driver)
    {
        Api = api;
        Host = host;
        Driver = driver;
    }

    public FakeTwilioApi Api { get; }

    public HotlineHost Host { get; }

    public TwilioDriver Driver { get; }

    public IGrainFactory Grains => Host.Grains;

    /// <param name="kestrel">Serve on a real loopback port too, for a browser.</param>
    public static async Task<TwilioHost> StartAsync(FakeTimeProvider? clock = null, bool kestrel = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        var api = new FakeTwilioApi(AccountSid, AuthToken);
        await api.StartAsync();
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef",
            ["Twilio:ApiKeySecret"] = "api-key-secret-0123456789-0123456789",
            ["Twilio:PhoneNumber"] = Hotline,
            ["Twilio:FallbackNumber"] = Backup,
            ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = api.BaseUrl.ToString(),
            ["Twilio:DefaultCentreId"] = "xa-12356",
        };
        var host = new HotlineHost(HotlineHost.NewServiceId(), clock, settings: all);
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false };
        if (kestrel)
        {
            host.UseKestrel(0);
            host.StartServer();
            options.BaseAddress = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        var client = host.CreateClient(options);
        await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
        await Eventually.MatchesAsync(() => host.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync(), c => c.Profile is not null, "seeded");
        return new TwilioHost(api, host, new TwilioDriver(client, PublicBase, AccountSid, AuthToken));
    }

    /// <summary>
    /// A caller dials in and presses <paramref name="digits"/>; returns the menu's answer. When it puts the caller in their
    /// conference, Twilio does so: the fake has the conference and the app hears of the join with its CF SID.
    /// </summary>
    public async Task<WebhookAnswer> CallInAsync(string sid, string from, string digits)
    {
        var menu = await Driver.PressAsync(await Driver.IncomingAsync(sid, from, Hotline), sid, from, Hotline, digits);
        await Driver.JoinConferenceAsync(Api, menu, sid);
        return menu;
    }

    /// <summary>The CF SID of the call's live conference at the fake Twilio.</summary>
    public string ConferenceSid(string sid) => Api.Conference($"call-{sid}")?.Sid ?? throw new InvalidOperationException($"Call {sid} has no conference.");

    /// <summary>The REST request that rang a counsellor into this call's conference (the n-th one).</summary>
    public Task<RecordedRequest?> RingAsync(string sid, int nth = 1) =>
        Eventually.MatchesAsync(
            () => Task.FromResult(Api.Requests.Where(r => r.Path == $"/Conferences/call-{sid}/Participants.json").Skip(nth - 1).FirstOrDefault()),
            r => r is not null,
            $"ring {nth} for call {sid}");

    /// <summary>A call answered by <paramref name="counselorId"/>; returns its CallSid and the counsellor leg's status URL.</summary>
    public async Task<(string Sid, string LegStatus)> ConnectedCallAsync(string counselorId, string from = "+8613800138000")
    {
        await Grains.GetGrain<ICounselorGrain>(counselorId).ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await CallInAsync(sid, from, "2");
        var legStatus = (await RingAsync(sid))!.Field("StatusCallback")!;
        // The leg Twilio created when the app rang the counsellor answers, and is in the conference from then on.
        var leg = await Eventually.MatchesAsync(
            () => Task.FromResult(Api.Conference($"call-{sid}")?.Participants.FirstOrDefault(p => p.Label == $"counselor-{counselorId}")?.CallSid),
            s => s is not null, "counsellor leg created");
        Api.JoinConference($"call-{sid}", leg!, $"counselor-{counselorId}", startsConference: true);
        await Driver.LegStatusAsync(legStatus, leg!, "in-progress", 1);
        await Eventually.MatchesAsync(() => Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        return (sid, legStatus);
    }

    /// <summary>Stops the host, then the fake Twilio, which fails the test if the app sent Twilio a request it would refuse.</summary>
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Api.DisposeAsync();
    }
}
