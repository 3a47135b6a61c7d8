using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HotlineCenter.TwilioSimulator;

namespace HotlineCenter.Telephony.Tests;

/// <summary>
/// The fake Twilio checks every request against Twilio's OpenAPI description (the subset in the simulator's
/// Contract folder) and answers a violation as Twilio does, keeping it so the test that caused it fails.
/// </summary>
public sealed class FakeTwilioContractTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "auth-token-0123456789";
    private static readonly string Call = "CA" + new string('c', 32);
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _http.BaseAddress = new Uri(_api.BaseUrl, $"/2010-04-01/Accounts/{AccountSid}/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public void The_subset_says_where_it_comes_from_and_keeps_the_conference_sid_pattern_only_creating_a_participant_lacks()
    {
        var contract = TwilioContract.V2010;

        Assert.Matches("^[0-9a-f]{40}$", contract.Commit);
        Assert.Equal(13, contract.Operations.Count);
        Assert.Null(contract["CreateParticipant"].PathParameters["ConferenceSid"].Pattern);
        Assert.All(new[] { "FetchParticipant", "UpdateParticipant", "DeleteParticipant" },
            id => Assert.Equal("^CF[0-9a-fA-F]{32}$", contract[id].PathParameters["ConferenceSid"].Pattern!.ToString()));
        Assert.Equal(["From", "To"], contract["CreateParticipant"].Required);
        Assert.Equal(["canceled", "completed"], contract["UpdateCall"].FormParameters["Status"].Enum!);
    }

    [Fact]
    public async Task A_participant_changed_by_the_conferences_friendly_name_is_a_404_and_a_violation()
    {
        _api.ExpectViolations();
        _api.JoinConference($"call-{Call}", Call, "caller");

        var answer = await PostAsync($"Conferences/call-{Call}/Participants/caller.json", ("Hold", "true"));

        Assert.Equal((HttpStatusCode.NotFound, 20404), (answer.Status, answer.Code));
        var violation = Assert.Single(_api.Violations);
        Assert.Contains("ConferenceSid", violation.Reason);
        Assert.Contains("^CF[0-9a-fA-F]{32}$", violation.Reason);
        Assert.False(_api.Conference($"call-{Call}")!.Participants.Single().Hold);
    }

    [Theory]
    [InlineData("Volume", "5", 20001, "unknown form parameter Volume")]
    [InlineData("Muted", "True", 20001, "is not true or false")]
    [InlineData("Timeout", "twenty", 20001, "is not an integer")]
    [InlineData("StatusCallback", "/relative", 20001, "absolute")]
    [InlineData("StatusCallbackEvent", "in-progress", 20001, "documented values")]
    [InlineData("CallSidToCoach", "CA1", 20001, "does not match")]
    public async Task An_unknown_or_malformed_parameter_is_a_400_with_twilios_code(string name, string value, int code, string reason)
    {
        _api.ExpectViolations();

        var answer = await PostAsync($"Conferences/call-{Call}/Participants.json", ("From", "+862912356"), ("To", "client:c-wang"), (name, value));

        Assert.Equal((HttpStatusCode.BadRequest, code), (answer.Status, answer.Code));
        Assert.Contains(reason, Assert.Single(_api.Violations).Reason);
        Assert.Null(_api.Conference($"call-{Call}"));
    }

    [Fact]
    public async Task A_missing_required_parameter_a_repeated_single_one_and_a_wrong_method_are_refused()
    {
        _api.ExpectViolations();

        var noTo = await PostAsync($"Conferences/call-{Call}/Participants.json", ("From", "+862912356"));
        var twice = await PostAsync("Calls.json", ("To", "+8613800138000"), ("From", "+862912356"), ("Twiml", "<Response/>"), ("Timeout", "5"), ("Timeout", "6"));
        var noTwiml = await PostAsync("Calls.json", ("To", "+8613800138000"), ("From", "+862912356"));
        using var put = await _http.PutAsync($"Calls/{Call}.json", new FormUrlEncodedContent([]));

        Assert.Equal((HttpStatusCode.BadRequest, 21604), (noTo.Status, noTo.Code));
        Assert.Equal((HttpStatusCode.BadRequest, 20001), (twice.Status, twice.Code));
        Assert.Equal((HttpStatusCode.BadRequest, 21205), (noTwiml.Status, noTwiml.Code));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(4, _api.Violations.Count);
    }

    [Fact]
    public async Task A_conference_is_created_by_friendly_name_then_reached_by_sid_and_a_gone_participant_is_a_plain_404()
    {
        var created = await PostAsync($"Conferences/call-{Call}/Participants.json", ("From", "+862912356"), ("To", "client:c-wang"), ("Label", "counselor-c-wang"));
        var sid = created.Json!.RootElement.GetProperty("conference_sid").GetString()!;

        var held = await PostAsync($"Conferences/{sid}/Participants/counselor-c-wang.json", ("Muted", "true"));
        using var removed = await _http.DeleteAsync($"Conferences/{sid}/Participants/counselor-c-wang.json");
        using var again = await _http.DeleteAsync($"Conferences/{sid}/Participants/counselor-c-wang.json");
        using var listed = await _http.GetAsync($"Conferences.json?FriendlyName=call-{Call}&Status=init");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(HttpStatusCode.OK, held.Status);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (removed.StatusCode, again.StatusCode));
        using var list = JsonDocument.Parse(await listed.Content.ReadAsStringAsync());
        Assert.Equal(sid, list.RootElement.GetProperty("conferences")[0].GetProperty("sid").GetString());
        // A resource that is not (or no longer) there is Twilio's ordinary answer, not a contract violation.
        Assert.Empty(_api.Violations);
    }

    [Fact]
    public async Task Disposing_after_a_violation_fails_the_test_that_made_it()
    {
        var api = new FakeTwilioApi(AccountSid, AuthToken);
        await api.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl, $"/2010-04-01/Accounts/{AccountSid}/") };
        http.DefaultRequestHeaders.Authorization = _http.DefaultRequestHeaders.Authorization;
        using var _ = await http.GetAsync("Calls/CA1.json");

        var failed = await Assert.ThrowsAsync<TwilioContractException>(() => api.DisposeAsync().AsTask());

        Assert.Contains("GET /Calls/CA1.json", failed.Message);
        Assert.Contains("path parameter Sid 'CA1'", failed.Message);
    }

    private async Task<(HttpStatusCode Status, int? Code, JsonDocument? Json)> PostAsync(string path, params (string Name, string Value)[] form)
    {
        using var response = await _http.PostAsync(path, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var code = json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : (int?)null;
        return (response.StatusCode, code, json);
    }
}
