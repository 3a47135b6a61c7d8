using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using HotlineCenter.Telephony.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// The floor of the full-path benchmark: the least a server can do and still run a hotline call's webhooks correctly.
/// A bare Kestrel app (its own process, started by the load program; nothing of the product in it) that checks every
/// request's Twilio signature, answers the same TwiML shapes, rings a counsellor with the same REST request to Twilio,
/// and makes exactly <see cref="WritesPerCall"/> Redis writes per call against its own Redis with
/// <c>appendfsync always</c>, each awaited (so fsynced) before the answer or the next step:
/// <list type="number">
/// <item><c>/voice</c>: the call exists (arrival, caller reference) — else a crash loses a caller who is on the line.</item>
/// <item><c>/voice/menu</c>: the choice and the queue entry, one MULTI (call state + sorted-set entry).</item>
/// <item>Routing: the counsellor reserved for this call and the call offered, one MULTI — else a crash could offer
/// the call twice or forget who is ringing. Then the ring (CreateParticipant) is sent to Twilio.</item>
/// <item>The counsellor's leg answered (<c>in-progress</c>): the call connected to that counsellor.</item>
/// <item>The caller's <c>/status completed</c>: the call ended and the counsellor free again, one MULTI.</item>
/// </list>
/// The other callbacks of a call's life (ringing, initiated, conference join/leave/start/end, the wait URL, the
/// counsellor's leg completed) change nothing that must survive a crash, so they are checked and answered only.
/// Counsellor choice is in memory (a free list): no scoring, no skills, no live feed, no audit, no metrics.
/// </summary>
public static class FloorServer
{
    public const int WritesPerCall = 5;

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> o)
    {
        var port = int.Parse(o["port"], System.Globalization.CultureInfo.InvariantCulture);
        var publicBase = $"http://127.0.0.1:{port}";
        var token = o["auth-token"];
        var account = o["account-sid"];
        var validator = new TwilioSignatureValidator(token);
        var redisOptions = ConfigurationOptions.Parse(o["redis"]);
        redisOptions.SocketManager = SocketManager.ThreadPool;
        using var redis = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        var db = redis.GetDatabase();
        var free = new ConcurrentQueue<string>(Enumerable.Range(1, int.Parse(o["counselors"], System.Globalization.CultureInfo.InvariantCulture)).Select(i => $"f-c{i:D4}"));
        var waiting = new ConcurrentQueue<string>();
        var busy = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        using var twilio = new HttpClient { BaseAddress = new Uri(o["twilio-api"].TrimEnd('/') + $"/2010-04-01/Accounts/{account}/") };
        twilio.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account}:{token}")));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(publicBase);
        var app = builder.Build();
        const string xml = "text/xml; charset=utf-8";

        async Task<IFormCollection?> SignedAsync(HttpContext http)
        {
            var form = await http.Request.ReadFormAsync();
            var url = publicBase + http.Request.Path + http.Request.QueryString;
            var fields = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty)));
            if (!validator.IsValid(url, fields, http.Request.Headers["X-Twilio-Signature"]))
            {
                http.Response.StatusCode = 403;
                return null;
            }

            return form;
        }

        string Base() => publicBase + TwilioWebhooks.Prefix;

        // Routing: reserve a free counsellor for the next waiting call (write 3) and ring them as the product does.
        async Task RouteAsync()
        {
            while (!waiting.IsEmpty && free.TryDequeue(out var counselor))
            {
                if (!waiting.TryDequeue(out var callSid))
                {
                    free.Enqueue(counselor);
                    return;
                }

                busy[callSid] = counselor;
                var reserve = db.CreateTransaction();
                _ = reserve.StringSetAsync($"floor:counselor:{counselor}", $"reserved:{callSid}");
                _ = reserve.StringSetAsync($"floor:call:{callSid}", $"offered:{counselor}");
                _ = reserve.SortedSetRemoveAsync("floor:queue:general", callSid);
                await reserve.ExecuteAsync();
                using var ring = await twilio.PostAsync($"Conferences/call-{callSid}/Participants.json", new FormUrlEncodedContent(
                [
                    new("From", "+862912356"),
                    new("To", $"client:{counselor}"),
                    new("Label", $"counselor-{counselor}"),
                    new("StartConferenceOnEnter", "true"),
                    new("EndConferenceOnExit", "false"),
                    new("Beep", "false"),
                    new("Timeout", "20"),
                    new("StatusCallback", $"{Base()}/counselor-status?call={callSid}&counselor={counselor}"),
                    new("StatusCallbackEvent", "initiated"),
                    new("StatusCallbackEvent", "ringing"),
                    new("StatusCallbackEvent", "answered"),
                    new("StatusCallbackEvent", "completed"),
                ]));
                if (!ring.IsSuccessStatusCode)
                {
                    Console.Error.WriteLine($"ringing {counselor} for {callSid}: Twilio answered {(int)ring.StatusCode}");
                }
            }
        }

        var hooks = app.MapGroup(TwilioWebhooks.Prefix);
        hooks.MapPost("/voice", async http =>
        {
            if (await SignedAsync(http) is not { } form)
            {
                return;
            }

            await db.StringSetAsync($"floor:call:{form["CallSid"]}", $"arrived:{form["From"].ToString().GetHashCode(StringComparison.Ordinal)}");
            http.Response.ContentType = xml;
            await http.Response.WriteAsync(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>您好</Say><Gather action=\"{Base()}/voice/menu?attempt=1\" numDigits=\"1\" timeout=\"6\"><Say>请按键</Say></Gather></Response>");
        });
        hooks.MapPost("/voice/menu", async http =>
        {
            if (await SignedAsync(http) is not { } form)
            {
                return;
            }

            var sid = form["CallSid"].ToString();
            var queue = db.CreateTransaction();
            _ = queue.StringSetAsync($"floor:call:{sid}", $"queued:general:{form["Digits"]}");
            _ = queue.SortedSetAddAsync("floor:queue:general", sid, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await queue.ExecuteAsync();
            waiting.Enqueue(sid);
            _ = Task.Run(RouteAsync);
            var call = SecurityElement.Escape(sid);
            http.Response.ContentType = xml;
            await http.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>请稍候</Say><Dial action=\"" + Base() + "/voice/after\"><Conference startConferenceOnEnter=\"false\" endConferenceOnExit=\"true\" beep=\"false\" "
                + $"waitUrl=\"{Base()}/voice/wait?call={call}\" statusCallback=\"{Base()}/conference?call={call}\" statusCallbackEvent=\"start end join leave hold\" participantLabel=\"caller\">call-{call}</Conference></Dial></Response>");
        });
        hooks.MapPost("/voice/wait", async http =>
        {
            if (await SignedAsync(http) is not null)
            {
                http.Response.ContentType = xml;
                await http.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Pause length=\"60\"/></Response>");
            }
        });
        hooks.MapPost("/conference", async http =>
        {
            if (await SignedAsync(http) is not null)
            {
                http.Response.StatusCode = 204;
            }
        });
        hooks.MapPost("/counselor-status", async http =>
        {
            if (await SignedAsync(http) is not { } form)
            {
                return;
            }

            if (form["CallStatus"] == "in-progress")
            {
                await db.StringSetAsync($"floor:call:{http.Request.Query["call"]}", $"connected:{http.Request.Query["counselor"]}");
            }

            http.Response.StatusCode = 204;
        });
        hooks.MapPost("/status", async http =>
        {
            if (await SignedAsync(http) is not { } form)
            {
                return;
            }

            var sid = form["CallSid"].ToString();
            if (form["CallStatus"] == "completed" && busy.TryRemove(sid, out var counselor))
            {
                var end = db.CreateTransaction();
                _ = end.StringSetAsync($"floor:call:{sid}", "ended");
                _ = end.StringSetAsync($"floor:counselor:{counselor}", "available");
                await end.ExecuteAsync();
                free.Enqueue(counselor);
                _ = Task.Run(RouteAsync);
            }

            http.Response.StatusCode = 204;
        });
        app.MapGet("/ready", () => "ready");
        await app.RunAsync();
        return 0;
    }
}
