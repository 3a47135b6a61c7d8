using System.Net.Http.Headers;
using System.Text;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Web.Tests.Fuzzing;

/// <summary>
/// What a fuzzed request must get. <see cref="Rejected"/>: it is malformed, unsigned, unauthorised or sent the wrong
/// way, so it must be refused (4xx, or a redirect to sign-in) and change nothing stored. <see cref="NoServerError"/>:
/// it may be well-formed enough to be acted on (a signed webhook with odd values, a replay), so it only must not be a 5xx.
/// </summary>
public enum FuzzExpectation
{
    Rejected = 0,
    NoServerError = 1,
}

/// <summary>One request the fuzzer sends.</summary>
public sealed record FuzzCase(string Kind, HttpMethod Method, string PathAndQuery, byte[]? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, FuzzExpectation Expect)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, PathAndQuery);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public override string ToString() => $"{Kind} {Method} {(PathAndQuery.Length > 120 ? PathAndQuery[..120] + "…" : PathAndQuery)}";
}

/// <summary>An endpoint the host maps, as its route pattern and methods.</summary>
/// <param name="TakesBody">The endpoint binds a request body (JSON or form), so a broken one must be refused.</param>
public sealed record FuzzEndpoint(string Pattern, IReadOnlyList<string> Methods, bool TakesBody = false)
{
    public bool IsWebhook => Pattern.StartsWith(TwilioWebhooks.Prefix, StringComparison.Ordinal);

    public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal);
}

/// <summary>The secrets a caller from outside might or might not have: the webhook signing token and a signed-in cookie.</summary>
public sealed record FuzzCredentials(string PublicBaseUrl, string AuthToken, string AccountSid, string SupervisorCookie, string CounselorCookie);

/// <summary>
/// Makes malformed, oversized, wrongly signed, wrong-method, wrongly encoded and replayed requests for every endpoint,
/// from a seed (a failing run is repeated exactly with its seed).
/// </summary>
public sealed class FuzzCaseGenerator(int seed, IReadOnlyList<FuzzEndpoint> endpoints, FuzzCredentials credentials)
{
    private static readonly string[] NastyValues =
    [
        "%00", "%ZZ", "%E4%B8", "%C0%AF", "%", "%%", "%2e%2e%2f%2e%2e%2f", "..%2F..%2Fetc%2Fpasswd", "危机干预", "🙂",
        "' OR '1'='1", "<script>alert(1)</script>", "{0}{1}{", "\u202Eevil", "+8613800138000", "-1", "99999999999999999999",
        "NaN", "null", "true", "CA", "CA" + new string('0', 32), "CF" + new string('f', 32), "%20", "a%0d%0aSet-Cookie:%20x=1",
    ];

    private static readonly string[] FormFieldNames =
    [
        "CallSid", "AccountSid", "From", "To", "CallStatus", "Digits", "SpeechResult", "ConferenceSid", "FriendlyName",
        "StatusCallbackEvent", "RecordingSid", "RecordingUrl", "RecordingStatus", "CallDuration", "Timestamp", "SequenceNumber",
        "ParticipantLabel", "ErrorCode", "Direction", "ApiVersion",
    ];

    private static readonly HttpMethod[] WrongMethods = [HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Post, HttpMethod.Head];

    private readonly Random _random = new(seed);

    /// <summary>Requests that must all be refused without changing anything stored.</summary>
    public IEnumerable<FuzzCase> Rejected(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var endpoint = endpoints[_random.Next(endpoints.Count)];
            yield return endpoint.IsWebhook ? RejectedWebhook(endpoint) : endpoint.IsApi ? RejectedApi(endpoint) : RejectedOther(endpoint);
        }
    }

    /// <summary>Requests that may be acted on, but must never fail on the server.</summary>
    public IEnumerable<FuzzCase> Anything(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var endpoint = endpoints[_random.Next(endpoints.Count)];
            var request = endpoint.IsWebhook ? SignedOddWebhook(endpoint) : endpoint.IsApi ? OddApi(endpoint) : OddOther(endpoint);

            // Replays: Twilio retries, proxies repeat; the same request two or three times in a row.
            var times = _random.Next(4) == 0 ? 1 + _random.Next(3) : 1;
            for (var t = 0; t < times; t++)
            {
                yield return request with { Kind = t == 0 ? request.Kind : request.Kind + "+replay" };
            }
        }
    }

    private FuzzCase RejectedWebhook(FuzzEndpoint endpoint)
    {
        var path = Fill(endpoint.Pattern, hostile: false);
        var fields = PlausibleFields();
        switch (_random.Next(9))
        {
            case 0:
                return Form("webhook-unsigned", path, fields, signature: null);
            case 1:
                return Form("webhook-bad-signature", path, fields, signature: Convert.ToBase64String(Bytes(20)));
            case 2:
                // Signed for another URL (a signature replayed onto a different webhook).
                return Form("webhook-signed-elsewhere", path, fields, signature: Sign(TwilioWebhooks.Prefix + "/elsewhere", fields));
            case 3:
                // Signed, then a value changed on the way.
                var signature = Sign(path, fields);
                var tampered = fields.ToList();
                tampered[0] = new(tampered[0].Key, tampered[0].Value + "x");
                return Form("webhook-tampered", path, tampered, signature);
            case 4:
                return RawForm("webhook-bad-encoding", path, $"CallSid={Pick(NastyValues[..5])}&From={Pick(NastyValues[..5])}&CallStatus=ringing", Sign(path, fields));
            case 5:
                return RawForm("webhook-oversized", path, "CallSid=CA0&Pad=" + new string('a', 70 * 1024), Sign(path, fields));
            case 6:
                var many = string.Join("&", Enumerable.Range(0, 300).Select(n => $"f{n}={n}"));
                return RawForm("webhook-too-many-fields", path, many, Sign(path, fields));
            case 7:
                return new FuzzCase("webhook-json", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{\"CallSid\":\"CA0\"}"), "application/json",
                    [new(TwilioSignatureFilter.Header, Sign(path, []))], FuzzExpectation.Rejected);
            default:
                var method = Pick(WrongMethods.Where(m => m != HttpMethod.Post).ToArray());
                return new FuzzCase("webhook-wrong-method", method, path, null, null, [new(TwilioSignatureFilter.Header, Sign(path, fields))], FuzzExpectation.Rejected);
        }
    }

    private FuzzCase SignedOddWebhook(FuzzEndpoint endpoint)
    {
        var path = Fill(endpoint.Pattern, hostile: _random.Next(3) == 0);
        if (_random.Next(4) == 0)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"{Pick(["q", "queue", "callId", "n", "followUpId"])}={Uri.EscapeDataString(Pick(NastyValues))}";
        }

        var fields = PlausibleFields();
        var changes = 1 + _random.Next(4);
        for (var c = 0; c < changes; c++)
        {
            var name = Pick(FormFieldNames);
            fields.RemoveAll(f => f.Key == name);
            var value = _random.Next(3) switch
            {
                0 => Pick(NastyValues),
                1 => new string(Enumerable.Range(0, _random.Next(1, 2000)).Select(_ => (char)_random.Next(32, 0xD7FF)).ToArray()),
                _ => string.Empty,
            };
            if (_random.Next(5) > 0)
            {
                fields.Add(new(name, value));
            }
        }

        return Form("webhook-signed-odd", path, fields, Sign(path, fields), FuzzExpectation.NoServerError);
    }

    private FuzzCase RejectedApi(FuzzEndpoint endpoint)
    {
        var path = Fill(endpoint.Pattern, hostile: _random.Next(2) == 0);
        var method = new HttpMethod(endpoint.Methods.Count > 0 ? Pick(endpoint.Methods.ToArray()) : "GET");
        switch (_random.Next(5))
        {
            case 0:
                return Json("api-anonymous", method, path, "{}", cookie: null);
            case 1:
                // A counsellor on the supervisor's API.
                return Json("api-wrong-role", method, path, "{}", credentials.CounselorCookie, skipWhen: !RequiresSupervisor(endpoint));
            case 2:
                return Json("api-wrong-method", Pick(WrongMethods.Where(m => m.Method != method.Method && m != HttpMethod.Head).ToArray()), path, "{}", credentials.SupervisorCookie);
            case 3 when method != HttpMethod.Get && endpoint.TakesBody:
                return Json("api-broken-json", method, path, Pick(["{", "{\"digits\":", "[1,2", "\"unterminated", "{\"a\":" + new string('[', 5000), "\u0000"]), credentials.SupervisorCookie);
            default:
                return Json("api-anonymous", method, path, method == HttpMethod.Get ? null : "{\"digits\":\"1\"}", cookie: null);
        }
    }

    private FuzzCase OddApi(FuzzEndpoint endpoint)
    {
        var path = Fill(endpoint.Pattern, hostile: true);
        var method = new HttpMethod(endpoint.Methods.Count > 0 ? Pick(endpoint.Methods.ToArray()) : "GET");
        var body = Pick(["{}", "{\"digits\":123}", "{\"state\":[]}", "{\"callId\":{}}", "{\"action\":99}", "[]", "42", "{\"digits\":\"" + Pick(NastyValues).Replace("\"", string.Empty, StringComparison.Ordinal) + "\"}", "{\"state\":\"Break\"}",
            "{\"callId\":\"" + Pick(["CA0", "..", "%00", new string('c', 500)]) + "\"}", "{\"action\":\"Monitor\"}", "{\"digits\":\"" + new string('9', 5000) + "\"}"]);
        return Json("api-odd", method, path, method == HttpMethod.Get ? null : body, Pick([credentials.SupervisorCookie, credentials.CounselorCookie]), expect: FuzzExpectation.NoServerError);
    }

    private FuzzCase RejectedOther(FuzzEndpoint endpoint)
    {
        var path = Fill(endpoint.Pattern, hostile: true);
        return endpoint.Pattern switch
        {
            "/account/login" => new FuzzCase("login-without-antiforgery", HttpMethod.Post, path,
                Encoding.UTF8.GetBytes($"Username={Uri.EscapeDataString(Pick(NastyValues))}&Password=x"), "application/x-www-form-urlencoded", [], FuzzExpectation.Rejected),
            _ => new FuzzCase("wrong-method", Pick([HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch]), path, null, null, [], FuzzExpectation.Rejected),
        };
    }

    private FuzzCase OddOther(FuzzEndpoint endpoint)
    {
        var path = Fill(endpoint.Pattern, hostile: true);
        if (endpoint.Pattern == "/culture")
        {
            path = $"/culture?name={Uri.EscapeDataString(Pick(["en", "zh-CN", "xx", "", "../..", new string('a', 300)]))}&redirect={Pick(NastyValues)}";
        }
        else if (_random.Next(2) == 0)
        {
            path += $"?ReturnUrl={Pick(NastyValues)}&x={Pick(NastyValues)}";
        }

        var method = new HttpMethod(endpoint.Methods.Count > 0 ? Pick(endpoint.Methods.ToArray()) : "GET");
        var body = method == HttpMethod.Post ? Encoding.UTF8.GetBytes($"Username={Pick(NastyValues)}&Password={Pick(NastyValues)}&ReturnUrl={Pick(NastyValues)}") : null;
        return new FuzzCase("other-odd", method, path, body, body is null ? null : "application/x-www-form-urlencoded",
            _random.Next(2) == 0 ? [new("Cookie", credentials.SupervisorCookie)] : [], FuzzExpectation.NoServerError);
    }

    private static bool RequiresSupervisor(FuzzEndpoint endpoint) =>
        endpoint.Pattern.StartsWith("/api/demo", StringComparison.Ordinal) || endpoint.Pattern.Contains("/supervise", StringComparison.Ordinal)
        || endpoint.Pattern.StartsWith("/api/centres", StringComparison.Ordinal) || endpoint.Pattern.StartsWith("/api/counselors", StringComparison.Ordinal);

    private List<KeyValuePair<string, string>> PlausibleFields() =>
    [
        new("CallSid", "CA" + Convert.ToHexStringLower(Bytes(16))),
        new("AccountSid", credentials.AccountSid),
        new("From", "+86138" + _random.Next(10_000_000, 99_999_999)),
        new("To", "+862912356"),
        new("CallStatus", Pick(["ringing", "in-progress", "completed", "busy", "no-answer", "failed", "canceled", "queued"])),
        new("Digits", Pick(["1", "2", "3", "9", "#", ""])),
        new("ApiVersion", "2010-04-01"),
        new("Direction", "inbound"),
    ];

    private string Fill(string pattern, bool hostile)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '{')
            {
                var end = pattern.IndexOf('}', i);
                builder.Append(hostile ? Pick(NastyValues.Select(v => v.Replace("/", "%2F", StringComparison.Ordinal)).Append(new string('x', 3000)).ToArray()) : "CA" + Convert.ToHexStringLower(Bytes(16)));
                i = end + 1;
            }
            else
            {
                builder.Append(pattern[i]);
                i++;
            }
        }

        return builder.ToString();
    }

    private FuzzCase Form(string kind, string path, IReadOnlyList<KeyValuePair<string, string>> fields, string? signature, FuzzExpectation expect = FuzzExpectation.Rejected)
    {
        var body = string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        return RawForm(kind, path, body, signature, expect);
    }

    private static FuzzCase RawForm(string kind, string path, string body, string? signature, FuzzExpectation expect = FuzzExpectation.Rejected) =>
        new(kind, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded",
            signature is null ? [] : [new(TwilioSignatureFilter.Header, signature)], expect);

    private FuzzCase Json(string kind, HttpMethod method, string path, string? body, string? cookie, bool skipWhen = false, FuzzExpectation expect = FuzzExpectation.Rejected)
    {
        if (skipWhen)
        {
            // Not a role mismatch for this endpoint: send it anonymously instead, which is always refused.
            cookie = null;
            kind = "api-anonymous";
        }

        return new FuzzCase(kind, method, path, body is null ? null : Encoding.UTF8.GetBytes(body), body is null ? null : "application/json",
            cookie is null ? [] : [new("Cookie", cookie)], expect);
    }

    private string Sign(string pathAndQuery, IEnumerable<KeyValuePair<string, string>> fields) =>
        TwilioSignatureValidator.ComputeSignature(credentials.AuthToken, credentials.PublicBaseUrl.TrimEnd('/') + pathAndQuery, fields);

    private byte[] Bytes(int n)
    {
        var bytes = new byte[n];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
